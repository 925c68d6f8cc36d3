// The signature step of ingest per algorithm (docs/records.md section 14):
// verifying a workload document's detached signature alone, and the whole
// step the prepare workers run (look the key up, verify, compress the signed
// bytes into the record's evidence). Against the parse + canonicalise cost
// in bench_formats, it says what --signatures required costs per core.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "bench/common.hpp"
#include "engine/signature_check.hpp"
#include "tests/tmpdir.hpp"

namespace {

struct Keys {
    std::string private_pem, public_pem;
};

Keys generate(int which) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        which == 0   ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
        : which == 1 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                     : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}),
        EVP_PKEY_free);
    auto pem = [&](bool priv) {
        std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
        if (priv) PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
        else PEM_write_bio_PUBKEY(bio.get(), key.get());
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio.get(), &data);
        return std::string(data, static_cast<std::size_t>(n));
    };
    return {pem(true), pem(false)};
}

const std::vector<std::string>& documents() {
    static const std::vector<std::string> docs = ehb::bench::standard_documents(500, 1'000'000);
    return docs;
}

void BM_Verify(benchmark::State& state) {
    const Keys keys = generate(static_cast<int>(state.range(0)));
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
    const Keys keys = generate(static_cast<int>(state.range(0)));
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
