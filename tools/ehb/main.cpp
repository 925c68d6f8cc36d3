// ehb: the command-line tool (docs/operations.md).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>

#include "tools/ehb/commands.hpp"

namespace {

constexpr const char* kUsage =
    "usage: ehb <command> [options]\n"
    "\n"
    "commands:\n"
    "  import --data DIR [--batch N] FILE...   ingest files of episode documents, XML submissions\n"
    "                                          or FHIR Bundles (told apart by their content)\n"
    "  book   --data DIR [--history] [--format json|fhir] ID\n"
    "                                          print the health book of a citizen ID, card number\n"
    "                                          or social-insurance code as JSON or a FHIR Bundle\n"
    "  book   --server HOST:PORT [--history] [--format json|fhir] ID\n"
    "                                          the same, from ehbd (either way with [--purpose TEXT],\n"
    "                                          recorded in the access audit)\n"
    "  audit-reads --data DIR [--limit N] [--before SEQ] [--purpose TEXT] ID\n"
    "                                          who read a citizen's book, when and why (newest first);\n"
    "                                          this reading is recorded too\n"
    "  appointments --from DATE --to DATE [--province CODE] (--data DIR | --server HOST:PORT)\n"
    "                                          re-examination appointments due in a date range\n"
    "  report diagnoses|facilities|referrals|appointments --data DIR --from DATE --to DATE\n"
    "         [--province CODE] [--csv]        statistics for health management (docs/statistics.md);\n"
    "  report monitor --data DIR --day DATE    and the connectivity monitor's counts per facility\n"
    "  feed   [--server HOST:PORT] [--from SEQ] [--follow] [--out FILE] [--types LIST] [--province CODE]\n"
    "                                          the change feed from ehbd as JSON Lines (docs/feed.md)\n"
    "  push   [--server HOST:PORT] [--connections N] [--batch N] [--deadline S] [--stream S] FILE...\n"
    "                                          push files of documents in any of the three formats to ehbd\n"
    "  bench  [--server HOST:PORT] [--citizens P] [--episodes V] [--connections N] [--idle N] ...\n"
    "                                          push the standard workload to ehbd and check the counts\n"
    "  gen    --citizens P --episodes V --seed S --out FILE\n"
    "                                          write the standard workload and FILE.expected.json\n"
    "  link   --csv FILE --columns SPEC [--out FILE] [--config FILE] [--truth COLUMN]\n"
    "                                          link a CSV of person records to persons (record, person, band, score)\n"
    "  person --data DIR ID | review --data DIR list|decide ID link|nolink | merge --data DIR A B\n"
    "  unmerge --data DIR MERGE_ID | audit --data DIR ID | unlink/relink --data DIR FACILITY MA_LK [ID]\n"
    "                                          the stewards' operations on persons (docs/persons.md);\n"
    "                                          through ehbd with --server HOST:PORT instead of --data DIR\n"
    "  person-model --data DIR train [--version V] [--config FILE] | show\n"
    "                                          estimate the matching model from the stored records and\n"
    "                                          review decisions; it is stored with its thresholds\n"
    "  rematch --data DIR [--config FILE] [--apply] [--why TEXT] [--limit N]\n"
    "                                          run matching again over the stored records: what would change\n"
    "                                          (persons merged, records moved); --apply makes the change\n"
    "  people --records N [--seed S] --out FILE\n"
    "                                          write labelled person records (CSV with the ground truth)\n"
    "  admin  --data DIR principal add NAME --role ROLE [--facility CODE] | list | revoke NAME\n"
    "                                          manage who may connect to ehbd\n"
    "  admin  merge|unmerge|link|unlink|person|review|audit ...\n"
    "                                          the stewards' operations again (link is relink)\n"
    "  verify --data DIR [--public-key FILE]   check the hash chains (log, access audit), checkpoints, indexes\n"
    "  stats --data DIR [--json]               bytes on disk per table and index, per episode, against the raw input\n"
    "  proof --data DIR SEQ [--out FILE]       who signed a stored record, verified again, and what they signed\n"
    "  backup --data DIR --out DIR2            a verified hot backup while ehbd runs\n"
    "  restore --from DIR2 --data DIR          put a verified backup into an empty data directory\n"
    "\n"
    "push, bench, feed, book --server, appointments --server and the stewards' commands with --server\n"
    "authenticate with --principal NAME --credential-file FILE (or EHB_PRINCIPAL and EHB_CREDENTIAL);\n"
    "`ehb push --help` and `ehb bench --help` tell more.\n";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    std::string_view command = argv[1];
    try {
        if (command == "import") return ehb::cli::cmd_import(argc - 1, argv + 1);
        if (command == "book") return ehb::cli::cmd_book(argc - 1, argv + 1);
        if (command == "gen") return ehb::cli::cmd_gen(argc - 1, argv + 1);
        if (command == "admin") return ehb::cli::cmd_admin(argc - 1, argv + 1);
        if (command == "push") return ehb::cli::cmd_push(argc - 1, argv + 1);
        if (command == "bench") return ehb::cli::cmd_bench(argc - 1, argv + 1);
        if (command == "appointments") return ehb::cli::cmd_appointments(argc - 1, argv + 1);
        if (command == "report") return ehb::cli::cmd_report(argc - 1, argv + 1);
        if (command == "people") return ehb::cli::cmd_people(argc - 1, argv + 1);
        if (command == "link") return ehb::cli::cmd_link(argc - 1, argv + 1);
        if (command == "rematch") return ehb::cli::cmd_rematch(argc - 1, argv + 1);
        if (command == "feed") return ehb::cli::cmd_feed(argc - 1, argv + 1);
        if (command == "audit-reads") return ehb::cli::cmd_audit_reads(argc - 1, argv + 1);
        if (command == "verify") return ehb::cli::cmd_verify(argc - 1, argv + 1);
        if (command == "stats") return ehb::cli::cmd_stats(argc - 1, argv + 1);
        if (command == "proof") return ehb::cli::cmd_proof(argc - 1, argv + 1);
        if (command == "backup") return ehb::cli::cmd_backup(argc - 1, argv + 1);
        if (command == "restore") return ehb::cli::cmd_restore(argc - 1, argv + 1);
        for (const char* c : {"person", "review", "merge", "unmerge", "audit", "unlink", "relink", "person-model"})
            if (command == c) return ehb::cli::cmd_persons(argc - 1, argv + 1);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ehb %s: %s\n", argv[1], e.what());
        return 1;
    }
    std::fprintf(stderr, "ehb: unknown command '%s'\n\n%s", argv[1], kUsage);
    return 2;
}
