// What every fuzz harness shares. A harness is a function over one input;
// the same source builds two ways (tests/fuzz/CMakeLists.txt): with
// EHB_LIBFUZZER as a libFuzzer target, whose entry point EHB_FUZZ_ENTRY
// defines, and without it into test_fuzz_corpus, which replays the committed
// corpus and regressions through the same functions. A broken property
// aborts under libFuzzer (which keeps the input) and throws in the GoogleTest
// (which names the file).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ehb::fuzz {

void wire(std::string_view input);      // fuzz_wire.cpp
void json(std::string_view input);      // fuzz_json.cpp
void xml(std::string_view input);       // fuzz_xml.cpp
void fhir(std::string_view input);      // fuzz_fhir.cpp
void validate(std::string_view input);  // fuzz_validate.cpp
void xmldsig(std::string_view input);   // fuzz_xmldsig.cpp

// Stops the run: `what` is the property that does not hold.
[[noreturn]] inline void violated(const char* what) {
#ifdef EHB_LIBFUZZER
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
#else
    throw std::logic_error(std::string("property violated: ") + what);
#endif
}

inline void require(bool holds, const char* what) {
    if (!holds) violated(what);
}

}  // namespace ehb::fuzz

#ifdef EHB_LIBFUZZER
#define EHB_FUZZ_ENTRY(harness)                                                    \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) { \
        harness({reinterpret_cast<const char*>(data), size});                      \
        return 0;                                                                  \
    }
#else
#define EHB_FUZZ_ENTRY(harness)
#endif
