// Random 4 KB rewrites of a file whose pages were first written in 256 KB
// runs, as LMDB appends them: cached in the folios the kernel makes for a run
// (large ones on ext4 from Linux 6.16), or in 4 KB folios because the growth
// prefill read each range before the runs were written there, as the store
// does at each write transaction (storage/growth_prefill.hpp). An iteration is one
// pwrite; every 20,000 writes the file is fdatasync'ed within the timing, as
// a commit does.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "bench/common.hpp"
#include "storage/growth_prefill.hpp"

namespace {

constexpr std::size_t kPage = 4096;
constexpr std::size_t kRun = 256 << 10;
constexpr int kWritesPerSync = 20'000;

std::filesystem::path bench_file() {
    const char* base = std::getenv("EHB_BENCH_DIR");
    std::filesystem::path dir = std::filesystem::path(base && *base ? base : "/tmp") / "ehb-bench-folios";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir / "data.mdb";
}

void BM_RewritePages(benchmark::State& state) {
    const bool prefilled = state.range(0) == 1;
    const uint64_t size = ehb::bench::env_u64("EHB_BENCH_FOLIO_MB", 1024) << 20;
    const auto path = bench_file();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        state.SkipWithError("cannot create the file");
        return;
    }
    std::string data(kRun, 'a');
    {
        ehb::GrowthPrefill prefill(path, 0);  // whatever the space free
        for (uint64_t at = 0; at < size; at += kRun) {
            if (prefilled) prefill.before_write(at);  // as each write transaction: topped up when half is used
            if (::pwrite(fd, data.data(), kRun, off_t(at)) != ssize_t(kRun)) state.SkipWithError("pwrite failed");
        }
    }
    ::fdatasync(fd);
    std::mt19937_64 random(1);
    int writes = 0;
    for (auto _ : state) {
        data[0] = char(writes);
        const uint64_t at = random() % (size / kPage) * kPage;
        benchmark::DoNotOptimize(::pwrite(fd, data.data(), kPage, off_t(at)));
        if (++writes % kWritesPerSync == 0) ::fdatasync(fd);
    }
    state.SetLabel(prefilled ? "prefilled (4 KB folios)" : "as the kernel caches runs");
    ::close(fd);
    std::filesystem::remove_all(path.parent_path());
}
BENCHMARK(BM_RewritePages)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
