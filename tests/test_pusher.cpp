// The push client of `ehb push` and `ehb bench` against a real ehbd on
// loopback: a long push reuses its batches' buffers instead of allocating new
// ones, so the client's memory does not grow with the push.
#include <gtest/gtest.h>

#include "tests/ehbd_process.hpp"
#include "tests/tmpdir.hpp"
#include "tools/ehb/pusher.hpp"
#include "tools/workload/generator.hpp"

namespace ehb {
namespace {

TEST(Pusher, ALongPushAllocatesNoMoreBatchesThanItsQueueAndWindowHold) {
    test::TempDir dir;
    const std::filesystem::path data = dir / "data";
    cli::PushOptions options;
    options.credentials = test::add_principal_to(data, "portal", Role::portal);
    test::EhbdProcess ehbd(data);
    options.endpoint = ehbd.endpoint();
    options.connections = 2;
    options.batch = 5;
    options.queue = 2;
    options.deadline = std::chrono::seconds(120);

    workload::Generator generator({.citizens = 200, .episodes = 1000, .seed = 3, .mix = {}});
    cli::Pusher pusher(options);
    pusher.start();
    std::string doc;
    while (generator.next(doc)) ASSERT_TRUE(pusher.add(doc));
    cli::PushReport report = pusher.finish();

    ASSERT_TRUE(report.complete) << (report.problems.empty() ? "" : report.problems.front()) << "\n" << ehbd.log();
    EXPECT_EQ(report.tally.records, generator.expected().records);
    EXPECT_EQ(report.tally.accepted, generator.expected().accepted);
    EXPECT_GE(report.batches, 200u);  // ~1,100 documents, 5 a batch
    // Per connection: the filling batch, the queue's, the last cut and the window's (4 in flight).
    EXPECT_LE(pusher.batches_made(), options.connections * (options.queue + 6));
}

}  // namespace
}  // namespace ehb
