// The signature step of ingest per algorithm (docs/records.md section 14):
// verifying a workload document's detached signature alone, and the whole
// step the prepare workers run (look the key up, verify, compress the signed
// bytes into the record's evidence). Against the parse + canonicalise cost
// in bench_formats, it says what --signatures required costs per core.
#include <benchmark/benchmark.h>

#include "bench/common.hpp"
#include "engine/signature_check.hpp"
#include "tests/signing_keys.hpp"
#include "tests/tmpdir.hpp"

namespace {

ehb::test::KeyPems generate(int which) {
    return ehb::test::new_signing_key(which == 0 ? "ED25519" : which == 1 ? "EC" : "RSA");
}

const std::vector<std::string>& documents() {
    static const std::vector<std::string> docs = ehb::bench::standard_documents(500, 1'000'000);
    return docs;
}

void BM_Verify(benchmark::State& state) {
    const ehb::test::KeyPems keys = generate(static_cast<int>(state.range(0)));
    const ehb::signatures::SigningKey signer(keys.private_pem);
    const ehb::signatures::PublicKey key = ehb::signatures::read_public_key(keys.public_pem);
    const std::vector<std::string>& docs = documents();
    std::vector<std::string> sigs;
    for (const std::string& d : docs) sigs.push_back(signer.sign(d));
    std::size_t i = 0;
    for (auto _ : state) {
        if (!ehb::signatures::verify(key, docs[i], sigs[i])) return state.SkipWithError("a signature did not verify");
        if (++i == docs.size()) i = 0;
    }
    state.SetLabel(std::string(ehb::signatures::algorithm_name(key.algorithm)));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Verify)->Arg(0)->Arg(1)->Arg(2);

// The prepare workers' whole signature step on prepared documents.
void BM_SignatureStep(benchmark::State& state) {
    const ehb::test::KeyPems keys = generate(static_cast<int>(state.range(0)));
    const ehb::signatures::SigningKey signer(keys.private_pem);
    ehb::test::TempDir dir;
    ehb::Store store(dir / "data");
    const ehb::signatures::PublicKey key = ehb::signatures::read_public_key(keys.public_pem);
    ehb::Preparer preparer;
    std::vector<ehb::Prepared> prepared;
    std::vector<std::string> sigs;
    std::vector<std::string> docs;
    for (const std::string& d : documents()) {
        ehb::Prepared p;
        preparer.prepare(d, p);
        if (!p.ok) continue;
        ehb::add_facility_key(store, ehb::signer(p), key);  // one key for every facility: the cost is the same
        prepared.push_back(std::move(p));
        docs.push_back(d);
        sigs.push_back(signer.sign(d));
    }
    if (docs.empty()) return state.SkipWithError("no documents");
    const ehb::KeyRing ring = store.read([](const ehb::StoreReader& r) { return ehb::KeyRing::load(r); });
    ehb::SignatureChecker checker;
    std::size_t i = 0;
    for (auto _ : state) {
        const ehb::DetachedSignature detached{signer.key_id(), sigs[i]};
        checker.check(ring, true, docs[i], &detached, prepared[i]);
        if (!prepared[i].ok) return state.SkipWithError(prepared[i].error.reason.c_str());
        if (++i == docs.size()) i = 0;
    }
    state.SetLabel(std::string(ehb::signatures::algorithm_name(key.algorithm)));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignatureStep)->Arg(0)->Arg(1)->Arg(2);

}  // namespace

BENCHMARK_MAIN();
