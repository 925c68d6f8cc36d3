// The fuzz harnesses as regression tests in the ordinary build: every file of
// tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/ goes
// through its harness (tests/fuzz/harness.hpp), whose properties must hold.
// A regression file is an input that once broke one (docs/fuzzing.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/fuzz/harness.hpp"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every file under `folder`/`target`; the number replayed.
std::size_t replay(const char* folder, const char* target, void (*harness)(std::string_view)) {
    const fs::path dir = fs::path(EHB_FUZZ_DIR) / folder / target;
    std::size_t n = 0;
    if (!fs::exists(dir)) return n;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        SCOPED_TRACE(entry.path().string());
        EXPECT_NO_THROW(harness(slurp(entry.path())));
        ++n;
    }
    return n;
}

void replay_all(const char* target, void (*harness)(std::string_view)) {
    EXPECT_GE(replay("corpus", target, harness), 5u) << "the seed corpus of " << target << " is missing";
    replay("regressions", target, harness);
}

TEST(FuzzCorpus, Wire) { replay_all("wire", ehb::fuzz::wire); }
TEST(FuzzCorpus, Json) { replay_all("json", ehb::fuzz::json); }
TEST(FuzzCorpus, Xml) { replay_all("xml", ehb::fuzz::xml); }
TEST(FuzzCorpus, Fhir) { replay_all("fhir", ehb::fuzz::fhir); }
TEST(FuzzCorpus, Validate) { replay_all("validate", ehb::fuzz::validate); }
TEST(FuzzCorpus, Xmldsig) { replay_all("xmldsig", ehb::fuzz::xmldsig); }

// The harnesses do check: a broken property fails the test rather than passing silently.
TEST(FuzzCorpus, HarnessesReportViolations) {
    EXPECT_THROW(ehb::fuzz::require(false, "a property that does not hold"), std::logic_error);
}

}  // namespace
