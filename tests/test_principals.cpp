// Principals in a real store: credentials, revocation, name and role rules, persistence.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <array>
#include <chrono>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "engine/principals.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

bool is_credential(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Principals, AddAndAuthenticate) {
    test::TempDir dir;
    Store store(dir.path());
    std::string cred = add_principal(store, "bv-bachmai.01", Role::facility, "01001");
    EXPECT_TRUE(is_credential(cred)) << cred;
    auto p = authenticate(store, "bv-bachmai.01", cred);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->name, "bv-bachmai.01");
    EXPECT_EQ(p->role, Role::facility);
    EXPECT_EQ(p->facility, "01001");
    EXPECT_GT(p->created_us, 0);
    EXPECT_EQ(p->revoked_us, 0);

    std::string portal = add_principal(store, "portal", Role::portal, "");
    EXPECT_NE(portal, cred);
    auto q = authenticate(store, "portal", portal);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->role, Role::portal);
    EXPECT_EQ(q->facility, "");
}

TEST(Principals, WrongCredentialOrNameFails) {
    test::TempDir dir;
    Store store(dir.path());
    std::string cred = add_principal(store, "reader1", Role::reader, "");
    std::string other = add_principal(store, "reader2", Role::reader, "");
    std::string flipped = cred;
    flipped[63] = flipped[63] == '0' ? '1' : '0';
    EXPECT_FALSE(authenticate(store, "reader1", flipped));
    EXPECT_FALSE(authenticate(store, "reader1", other));
    EXPECT_FALSE(authenticate(store, "reader1", cred.substr(0, 63)));
    EXPECT_FALSE(authenticate(store, "reader1", ""));
    EXPECT_FALSE(authenticate(store, "nobody", cred));
    EXPECT_FALSE(authenticate(store, "", cred));
    EXPECT_FALSE(authenticate(store, std::string(600, 'a'), cred));  // longer than LMDB keys may be
    EXPECT_TRUE(authenticate(store, "reader1", cred));
}

TEST(Principals, AStewardAuthenticatesWithItsRoleAndIsListed) {
    test::TempDir dir;
    Store store(dir.path());
    std::string cred = add_principal(store, "steward-hn", Role::steward, "");
    auto p = authenticate(store, "steward-hn", cred);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->role, Role::steward);
    EXPECT_TRUE(p->facility.empty());
    ASSERT_EQ(list_principals(store).size(), 1u);
    EXPECT_EQ(list_principals(store)[0].role, Role::steward);
}

TEST(Principals, RevokeKeepsTheRecordAndTheFirstTime) {
    test::TempDir dir;
    Store store(dir.path());
    std::string cred = add_principal(store, "ops", Role::admin, "");
    EXPECT_TRUE(revoke_principal(store, "ops"));
    EXPECT_FALSE(authenticate(store, "ops", cred));
    auto list = list_principals(store);
    ASSERT_EQ(list.size(), 1u);
    int64_t revoked = list[0].revoked_us;
    EXPECT_GE(revoked, list[0].created_us);
    EXPECT_TRUE(revoke_principal(store, "ops"));
    EXPECT_EQ(list_principals(store)[0].revoked_us, revoked);
    EXPECT_FALSE(revoke_principal(store, "nobody"));
    EXPECT_FALSE(revoke_principal(store, ""));
}

TEST(Principals, NamesAreNeverReused) {
    test::TempDir dir;
    Store store(dir.path());
    std::string cred = add_principal(store, "a", Role::reader, "");
    EXPECT_THROW(add_principal(store, "a", Role::admin, ""), std::invalid_argument);
    revoke_principal(store, "a");
    EXPECT_THROW(add_principal(store, "a", Role::reader, ""), std::invalid_argument);
    auto list = list_principals(store);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].role, Role::reader);  // the failed adds changed nothing
}

TEST(Principals, NameAndRoleRules) {
    test::TempDir dir;
    Store store(dir.path());
    for (std::string bad : {std::string(), std::string(65, 'x'), std::string("a b"), std::string("a/b"),
                            std::string("é"), std::string("a\nb"), std::string("a:b")}) {
        EXPECT_THROW(add_principal(store, bad, Role::reader, ""), std::invalid_argument) << bad;
    }
    EXPECT_NO_THROW(add_principal(store, std::string(64, 'x'), Role::reader, ""));
    EXPECT_NO_THROW(add_principal(store, "A-z_0.9", Role::reader, ""));

    EXPECT_THROW(add_principal(store, "f1", Role::facility, ""), std::invalid_argument);
    EXPECT_THROW(add_principal(store, "f2", Role::facility, "0100"), std::invalid_argument);
    EXPECT_THROW(add_principal(store, "f3", Role::facility, "010011"), std::invalid_argument);
    EXPECT_THROW(add_principal(store, "f4", Role::facility, "01-01"), std::invalid_argument);
    EXPECT_THROW(add_principal(store, "p1", Role::portal, "01001"), std::invalid_argument);
    EXPECT_THROW(add_principal(store, "r1", Role::reader, "01001"), std::invalid_argument);
    EXPECT_THROW(add_principal(store, "a1", Role::admin, "01001"), std::invalid_argument);
    EXPECT_THROW(add_principal(store, "s1", Role::steward, "01001"), std::invalid_argument);
    EXPECT_NO_THROW(add_principal(store, "f5", Role::facility, "79B01"));
    EXPECT_EQ(list_principals(store).size(), 3u);
}

TEST(Principals, RoleNames) {
    for (Role r : {Role::facility, Role::portal, Role::reader, Role::admin, Role::steward}) {
        EXPECT_EQ(parse_role(role_name(r)), r);
    }
    EXPECT_EQ(role_name(Role::steward), "steward");
    EXPECT_FALSE(parse_role("root"));
    EXPECT_FALSE(parse_role(""));
    EXPECT_EQ(static_cast<int>(Role::facility), 1);  // the numbers AUTH_OK sends (docs/protocol.md section 4)
    EXPECT_EQ(static_cast<int>(Role::admin), 4);
    EXPECT_EQ(static_cast<int>(Role::steward), 5);
}

TEST(Principals, PersistAcrossReopenInNameOrder) {
    test::TempDir dir;
    std::string cred_b, cred_a;
    {
        Store store(dir.path());
        cred_b = add_principal(store, "b", Role::facility, "01001");
        cred_a = add_principal(store, "a", Role::portal, "");
        revoke_principal(store, "b");
    }
    Store store(dir.path());
    auto list = list_principals(store);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].name, "a");
    EXPECT_EQ(list[0].revoked_us, 0);
    EXPECT_EQ(list[1].name, "b");
    EXPECT_EQ(list[1].facility, "01001");
    EXPECT_NE(list[1].revoked_us, 0);
    EXPECT_TRUE(authenticate(store, "a", cred_a));
    EXPECT_FALSE(authenticate(store, "b", cred_b));
}

TEST(Principals, CredentialIsNotStored) {
    test::TempDir dir;
    std::vector<std::string> creds;
    {
        Store store(dir.path());
        for (int i = 0; i < 20; ++i) {
            creds.push_back(add_principal(store, std::string("p").append(std::to_string(i)), Role::reader, ""));
        }
    }
    std::string data = file_bytes(dir / "data.mdb");
    ASSERT_FALSE(data.empty());
    for (const std::string& cred : creds) {
        std::string raw;
        for (std::size_t i = 0; i < cred.size(); i += 2) raw.push_back(char(std::stoi(cred.substr(i, 2), nullptr, 16)));
        EXPECT_EQ(data.find(cred), std::string::npos);
        EXPECT_EQ(data.find(raw), std::string::npos);
        EXPECT_EQ(data.find(cred.substr(0, 16)), std::string::npos);
    }
}

TEST(Principals, RecordLayout) {
    schema::PrincipalRecord r;
    r.role = 1;
    r.facility = {'0', '1', '0', '0', '1'};
    r.current.log2_n = 14;
    r.current.salt.fill(0xAB);
    r.current.digest.fill(0xCD);
    r.previous.log2_n = 15;
    r.previous.salt.fill(0x12);
    r.previous.digest.fill(0x34);
    r.previous_until_us = 1'750'000'000'000'000;
    r.created_us = 1'700'000'000'000'000;
    r.revoked_us = 1'800'000'000'000'000;
    r.rotated_us = 1'740'000'000'000'000;
    auto b = r.encode();
    static_assert(schema::PrincipalRecord::kSize == 137);
    EXPECT_EQ(b[0], char(schema::PrincipalRecord::kLayout));
    auto d = schema::PrincipalRecord::decode({b.data(), b.size()});
    ASSERT_TRUE(d);
    EXPECT_EQ(d->role, 1);
    EXPECT_EQ(d->facility, r.facility);
    EXPECT_EQ(d->current, r.current);
    EXPECT_EQ(d->previous, r.previous);
    EXPECT_EQ(d->previous_until_us, r.previous_until_us);
    EXPECT_EQ(d->created_us, r.created_us);
    EXPECT_EQ(d->revoked_us, r.revoked_us);
    EXPECT_EQ(d->rotated_us, r.rotated_us);
    EXPECT_FALSE(schema::PrincipalRecord::decode({b.data(), b.size() - 1}));
    b[0] = char(schema::PrincipalRecord::kLayout + 1);
    EXPECT_FALSE(schema::PrincipalRecord::decode({b.data(), b.size()}));
}

schema::PrincipalRecord stored(const Store& store, std::string_view name) {
    return store.read([&](const StoreReader& r) {
        std::string_view v;
        EXPECT_TRUE(r.tables().principals.get(r.txn(), name, v));
        return *schema::PrincipalRecord::decode(v);
    });
}

TEST(Principals, TheStoredDigestIsScryptOfTheCredentialWithItsOwnSalt) {
    test::TempDir dir;
    Store store(dir.path());
    const std::string cred = add_principal(store, "portal", Role::portal, "");
    const schema::PrincipalRecord r = stored(store, "portal");
    ASSERT_EQ(r.current.log2_n, 12);
    std::array<unsigned char, 32> expected{};
    ASSERT_EQ(EVP_PBE_scrypt(cred.data(), cred.size(), r.current.salt.data(), r.current.salt.size(), 1u << 12, 8, 1,
                             64u << 20, expected.data(), expected.size()),
              1);
    EXPECT_EQ(r.current.digest, expected);
    EXPECT_EQ(r.previous.log2_n, 0) << "no previous credential before a rotation";
    // Two principals never share a salt.
    add_principal(store, "portal2", Role::portal, "");
    EXPECT_NE(stored(store, "portal2").current.salt, r.current.salt);
}

TEST(Principals, ARotationReplacesTheCredentialAtOnceOrAfterAnOverlap) {
    test::TempDir dir;
    Store store(dir.path());
    const std::string first = add_principal(store, "portal", Role::portal, "");
    ASSERT_TRUE(authenticate(store, "portal", first));  // remembered as verified: must not outlive the rotation

    const auto second = rotate_principal(store, "portal", std::chrono::seconds(0));
    ASSERT_TRUE(second);
    EXPECT_TRUE(is_credential(*second));
    EXPECT_NE(*second, first);
    EXPECT_FALSE(authenticate(store, "portal", first)) << "no overlap: the old credential stops at once";
    auto p = authenticate(store, "portal", *second);
    ASSERT_TRUE(p);
    EXPECT_GT(p->rotated_us, 0);

    // With an overlap both work until it ends.
    const auto third = rotate_principal(store, "portal", std::chrono::seconds(1));
    ASSERT_TRUE(third);
    EXPECT_TRUE(authenticate(store, "portal", *second));
    EXPECT_TRUE(authenticate(store, "portal", *third));
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_FALSE(authenticate(store, "portal", *second)) << "the overlap has ended";
    EXPECT_TRUE(authenticate(store, "portal", *third));

    // Nobody, or a revoked principal, gets no new credential.
    EXPECT_FALSE(rotate_principal(store, "nobody", std::chrono::seconds(0)));
    ASSERT_TRUE(revoke_principal(store, "portal"));
    EXPECT_FALSE(rotate_principal(store, "portal", std::chrono::seconds(0)));
    EXPECT_FALSE(authenticate(store, "portal", *third)) << "a revocation ends a remembered verification too";
}

}  // namespace
}  // namespace ehb
