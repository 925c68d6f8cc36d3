// Facilities' data signatures: the key operations, then a real ehbd taking
// signed PUSHes (format 2) against keys registered with `ehb admin
// facility-key` while it runs, and `ehb proof` showing later who sent what.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/signatures.hpp"
#include "tests/docs.hpp"
#include "tests/ehbd_process.hpp"
#include "tests/run_command.hpp"
#include "tests/signing_keys.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

// A new key of `type` ("ED25519", "EC", "RSA") written as PEM: `stem`.key
// (private) and `stem`.pub (public); returns the private key's PEM.
std::string new_key(const std::filesystem::path& stem, const std::string& type, unsigned rsa_bits = 2048) {
    const test::KeyPems key = test::new_signing_key(type, rsa_bits);
    std::ofstream(stem.string() + ".pub") << key.public_pem;
    std::ofstream(stem.string() + ".key") << key.private_pem;
    return key.private_pem;
}

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

test::Output ehb(const std::string& args) { return test::run_command(std::string(EHB_BINARY) + " " + args + " 2>&1"); }

TEST(SignatureKeys, EachAlgorithmSignsAndVerifiesAndNamesItsKeyTheSameOnBothSides) {
    test::TempDir dir;
    for (const char* type : {"ED25519", "EC", "RSA"}) {
        SCOPED_TRACE(type);
        const std::string private_pem = new_key(dir / type, type);
        const signatures::SigningKey signer(private_pem);
        const signatures::PublicKey key = signatures::read_public_key(read_all(dir / (std::string(type) + ".pub")));
        EXPECT_EQ(signer.key_id(), signatures::key_id(key.spki));
        EXPECT_EQ(signer.key_id().size(), 16u);
        const std::string signature = signer.sign("the document");
        EXPECT_TRUE(signatures::verify(key, "the document", signature));
        EXPECT_FALSE(signatures::verify(key, "the document!", signature));
        std::string flipped = signature;
        flipped[flipped.size() / 2] ^= 1;
        EXPECT_FALSE(signatures::verify(key, "the document", flipped));
    }
    EXPECT_EQ(signatures::read_public_key(read_all(dir / "ED25519.pub")).algorithm, signatures::Algorithm::ed25519);
    EXPECT_EQ(signatures::read_public_key(read_all(dir / "EC.pub")).algorithm, signatures::Algorithm::ecdsa_sha256);
    EXPECT_EQ(signatures::read_public_key(read_all(dir / "RSA.pub")).algorithm, signatures::Algorithm::rsa_sha256);
    new_key(dir / "weak", "RSA", 1024);
    EXPECT_THROW(signatures::read_public_key(read_all(dir / "weak.pub")), std::invalid_argument);
    EXPECT_THROW(signatures::SigningKey(read_all(dir / "weak.key")), std::invalid_argument);
    EXPECT_THROW(signatures::read_public_key("not a key"), std::invalid_argument);
}

TEST(SignatureKeys, EvidenceDecodesAsEncodedAndRefusesOtherBytes) {
    signatures::Evidence e;
    e.method = signatures::Method::xmldsig;
    e.status = signatures::Status::unverifiable;
    e.algorithm = "rsa-sha1";
    e.reason = "not registered";
    e.raw_size = 3;
    e.signed_bytes = "abc";
    std::string bytes;
    e.encode(bytes);
    const auto back = signatures::Evidence::decode(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->method, e.method);
    EXPECT_EQ(back->status, e.status);
    EXPECT_EQ(back->algorithm, "rsa-sha1");
    EXPECT_EQ(back->key_id, "");
    EXPECT_EQ(back->reason, "not registered");
    EXPECT_EQ(back->signed_bytes, "abc");
    EXPECT_FALSE(signatures::Evidence::decode(bytes.substr(0, 10)));
    bytes[0] = 9;
    EXPECT_FALSE(signatures::Evidence::decode(bytes));
}

class SignedPush : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path data = dir / "data";
    net::Credentials facility = test::add_principal_to(data, "bv01001", Role::facility, "01001");
    net::Credentials reader = test::add_principal_to(data, "vneid", Role::reader);
    std::unique_ptr<test::EhbdProcess> ehbd;

    void start(std::vector<std::string> extra = {}) { ehbd = std::make_unique<test::EhbdProcess>(data, extra); }
    net::Client connect() { return net::Client(ehbd->endpoint(), facility); }
    // Registers `stem`.pub for 01001 with `ehb admin` and returns its key id.
    std::string register_key(const std::string& stem) {
        test::Output r = test::run_command(std::string(EHB_BINARY) + " admin --data " + data.string() +
                                           " facility-key add 01001 --public-key " + (dir / stem).string() + ".pub");
        EXPECT_EQ(r.exit_code, 0);
        while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
        return r.out;
    }
    static std::string doc(const std::string& ma_lk) {
        test::Doc d;
        d.ma_lk = ma_lk;
        return d.json();
    }
};

TEST_F(SignedPush, AVerifiedRecordKeepsItsSignatureAndProvesLaterWhoSentWhat) {
    start();
    const signatures::SigningKey key(new_key(dir / "bv", "ED25519"));
    const signatures::SigningKey stranger(new_key(dir / "other", "ED25519"));
    ASSERT_EQ(register_key("bv"), key.key_id());  // while ehbd runs: no restart

    const std::vector<std::string> docs = {doc("S1"), doc("S2"), doc("S3"), doc("S4")};
    const std::vector<std::string> sigs = {key.sign(docs[0]), key.sign(docs[0]), stranger.sign(docs[2]),
                                           key.sign(docs[3])};
    std::vector<std::string_view> views(docs.begin(), docs.end());
    std::vector<wire::DocumentSignature> signed_docs = {{key.key_id(), sigs[0]},      // good
                                                        {key.key_id(), sigs[1]},      // another document's
                                                        {stranger.key_id(), sigs[2]}, // a key not registered
                                                        {key.key_id(), sigs[3]}};     // good
    net::Client c = connect();
    const wire::PushResult r = c.push(1, 1, views, signed_docs);
    ASSERT_EQ(r.results.size(), 4u);
    EXPECT_EQ(r.results[0].status, Status::accepted);
    EXPECT_EQ(r.results[1].status, Status::rejected);
    EXPECT_EQ(r.results[1].error.code, "E_SIGNATURE");
    EXPECT_EQ(r.results[1].error.field, "signature");
    EXPECT_NE(r.results[1].error.reason.find("does not verify"), std::string::npos) << r.results[1].error.reason;
    EXPECT_EQ(r.results[2].status, Status::rejected);
    EXPECT_NE(r.results[2].error.reason.find("is not registered"), std::string::npos) << r.results[2].error.reason;
    EXPECT_EQ(r.results[3].status, Status::accepted);  // the bad ones did not take the batch down

    const std::string book = net::Client(ehbd->endpoint(), reader).get_book(test::Doc().citizen);
    EXPECT_NE(book.find("\"signature_status\":\"verified\""), std::string::npos) << book;
    EXPECT_NE(book.find("\"key_id\":\"" + key.key_id() + "\""), std::string::npos) << book;

    const std::string seq = std::to_string(r.results[0].seq);
    const test::Output proof = ehb("proof --data " + data.string() + " " + seq + " --out " + (dir / "signed").string());
    EXPECT_EQ(proof.exit_code, 0) << proof.out;
    EXPECT_NE(proof.out.find("\"signature_verifies\":true"), std::string::npos) << proof.out;
    EXPECT_NE(proof.out.find("\"record_matches\":true"), std::string::npos) << proof.out;
    EXPECT_NE(proof.out.find("\"facility\":\"01001\""), std::string::npos) << proof.out;
    EXPECT_NE(proof.out.find("\"principal\":\"bv01001\""), std::string::npos) << proof.out;
    EXPECT_EQ(read_all(dir / "signed"), docs[0]);  // the bytes exactly as received
}

TEST_F(SignedPush, ARevokedKeyIsRefusedFromThenOnWhileItsEarlierRecordsStillProve) {
    start();
    const signatures::SigningKey key(new_key(dir / "bv", "EC"));
    register_key("bv");
    net::Client c = connect();
    const std::string before = doc("R1"), after = doc("R2");
    const std::string before_sig = key.sign(before), after_sig = key.sign(after);
    std::vector<std::string_view> one = {before};
    std::vector<wire::DocumentSignature> one_sig = {{key.key_id(), before_sig}};
    const wire::PushResult first = c.push(1, 1, one, one_sig);
    ASSERT_EQ(first.results[0].status, Status::accepted) << first.results[0].error.reason;

    const test::Output revoked = ehb("admin --data " + data.string() + " facility-key revoke 01001 " + key.key_id());
    ASSERT_EQ(revoked.exit_code, 0) << revoked.out;
    one = {after};
    one_sig = {{key.key_id(), after_sig}};
    const wire::PushResult second = c.push(1, 2, one, one_sig);
    EXPECT_EQ(second.results[0].status, Status::rejected);
    EXPECT_NE(second.results[0].error.reason.find("was revoked"), std::string::npos) << second.results[0].error.reason;

    const test::Output proof = ehb("proof --data " + data.string() + " " + std::to_string(first.results[0].seq));
    EXPECT_EQ(proof.exit_code, 0) << proof.out;
    EXPECT_EQ(proof.out.find("\"key_revoked\":null"), std::string::npos) << proof.out;  // the revocation is shown
    const test::Output list = ehb("admin --data " + data.string() + " facility-key list 01001");
    EXPECT_NE(list.out.find("\"algorithm\":\"ecdsa-sha256\""), std::string::npos) << list.out;
}

TEST_F(SignedPush, RequiredSignaturesRefuseUnsignedDocumentsOnly) {
    start({"--signatures", "required"});
    const signatures::SigningKey key(new_key(dir / "bv", "RSA"));
    register_key("bv");
    net::Client c = connect();
    const std::vector<std::string> unsigned_docs = {doc("U1")};
    const std::vector<std::string_view> views(unsigned_docs.begin(), unsigned_docs.end());
    const wire::PushResult plain = c.push(1, 1, views);
    EXPECT_EQ(plain.results[0].status, Status::rejected);
    EXPECT_EQ(plain.results[0].error.code, "E_SIGNATURE");
    const std::string sig = key.sign(unsigned_docs[0]);
    const std::vector<wire::DocumentSignature> signed_docs = {{key.key_id(), sig}};
    EXPECT_EQ(c.push(1, 2, views, signed_docs).results[0].status, Status::accepted);

    const test::Output proof = ehb("proof --data " + data.string() + " 1");
    EXPECT_EQ(proof.exit_code, 0) << proof.out;
    EXPECT_NE(proof.out.find("\"algorithm\":\"rsa-sha256\""), std::string::npos) << proof.out;
}

TEST_F(SignedPush, EhbPushSignsAndAResentSignedBatchIsAnsweredFromTheStoredAnswer) {
    start();
    new_key(dir / "bv", "EC");  // ECDSA: a new signature every time the same bytes are signed
    register_key("bv");
    {
        std::ofstream f(dir / "docs.jsonl");
        for (int i = 0; i < 5; ++i) f << doc(test::key("P", {i})) << '\n';
    }
    const std::string push = "push --server 127.0.0.1:" + std::to_string(ehbd->port()) + " --principal bv01001" +
                             " --credential-file " + (dir / "cred").string() + " --connections 1 --stream 7" +
                             " --signing-key " + (dir / "bv.key").string() + " " + (dir / "docs.jsonl").string();
    std::ofstream(dir / "cred") << facility.credential;
    const test::Output first = ehb(push);
    ASSERT_EQ(first.exit_code, 0) << first.out;
    EXPECT_NE(first.out.find("\"accepted\":5"), std::string::npos) << first.out;
    const test::Output again = ehb(push);  // signed again: other signature bytes, the same documents
    ASSERT_EQ(again.exit_code, 0) << again.out;
    EXPECT_NE(again.out.find("\"replayed\":1"), std::string::npos) << again.out;
    EXPECT_NE(ehb("proof --data " + data.string() + " 5").out.find("\"signature_verifies\":true"), std::string::npos);
}

// An XML submission signed by xmlsec1 (tests/data/xmldsig/README.md): its
// CHUKYDONVI is checked against the keys registered for its MA_CSKCB.
const std::filesystem::path kXmlDsig = std::filesystem::path(EHB_TEST_DATA) / "xmldsig";

TEST_F(SignedPush, AnXmlSignatureIsVerifiedWithTheFacilitysRegisteredCertificateAndATamperedOneRejected) {
    start();
    const test::Output added = ehb("admin --data " + data.string() + " facility-key add 01001 --public-key " +
                                   (kXmlDsig / "rsa_cert.pem").string());
    ASSERT_EQ(added.exit_code, 0) << added.out;
    const std::string submission = read_all(kXmlDsig / "submission.xml");
    std::string tampered = submission;
    const std::size_t date = tampered.find("<NGAYLAP>20240318");
    ASSERT_NE(date, std::string::npos);
    tampered.replace(date + 9, 8, "20240319");  // still a valid submission, no longer the signed one

    net::Client c = connect();
    const std::vector<std::string_view> both = {tampered, submission};
    const wire::PushResult r = c.push(1, 1, both);
    ASSERT_EQ(r.results.size(), 2u);
    EXPECT_EQ(r.results[0].status, Status::rejected);
    EXPECT_EQ(r.results[0].error.code, "E_SIGNATURE");
    EXPECT_EQ(r.results[0].error.field, "CHUKYDONVI");
    ASSERT_EQ(r.results[1].status, Status::accepted) << r.results[1].error.reason;

    const test::Output proof = ehb("proof --data " + data.string() + " " + std::to_string(r.results[1].seq));
    EXPECT_EQ(proof.exit_code, 0) << proof.out;
    EXPECT_NE(proof.out.find("\"method\":\"xmldsig\""), std::string::npos) << proof.out;
    EXPECT_NE(proof.out.find("\"algorithm\":\"rsa-sha256\""), std::string::npos) << proof.out;
    // openssl's DER of the certificate's key names the registered key
    const std::string key_id = signatures::key_id(read_all(kXmlDsig / "rsa_spki.der"));
    EXPECT_NE(proof.out.find("\"key_id\":\"" + key_id + "\""), std::string::npos) << proof.out;
    EXPECT_NE(proof.out.find("CN=01001"), std::string::npos) << proof.out;
    EXPECT_NE(proof.out.find("\"record_matches\":true"), std::string::npos) << proof.out;
}

TEST_F(SignedPush, AnXmlSignatureOfAnUnregisteredCertificateIsKeptAsUnverifiableUnlessSignaturesAreRequired) {
    start();
    const std::string submission = read_all(kXmlDsig / "submission.xml");
    const std::vector<std::string_view> one = {submission};
    net::Client c = connect();
    const wire::PushResult r = c.push(1, 1, one);
    ASSERT_EQ(r.results[0].status, Status::accepted) << r.results[0].error.reason;
    const std::string book = net::Client(ehbd->endpoint(), reader).get_book("001185012345", false);
    EXPECT_NE(book.find("\"signature_status\":\"unverifiable\""), std::string::npos) << book.substr(0, 2000);
    EXPECT_NE(book.find("is not registered for facility 01001"), std::string::npos);
    EXPECT_EQ(ehb("proof --data " + data.string() + " " + std::to_string(r.results[0].seq)).exit_code, 1);

    ehbd.reset();
    start({"--signatures", "required"});
    net::Client again = connect();
    const wire::PushResult refused = again.push(2, 1, one);
    EXPECT_EQ(refused.results[0].status, Status::rejected);
    EXPECT_EQ(refused.results[0].error.code, "E_SIGNATURE");
}

}  // namespace
}  // namespace ehb
