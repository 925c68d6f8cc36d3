#pragma once

namespace ehb::cli {

int cmd_gen(int argc, char** argv);
int cmd_import(int argc, char** argv);
int cmd_book(int argc, char** argv);
int cmd_admin(int argc, char** argv);
int cmd_push(int argc, char** argv);
int cmd_bench(int argc, char** argv);
int cmd_appointments(int argc, char** argv);
int cmd_report(int argc, char** argv);  // statistics for health management (docs/statistics.md)
int cmd_people(int argc, char** argv);
int cmd_link(int argc, char** argv);
int cmd_persons(int argc, char** argv);  // person, review, merge, unmerge, audit, unlink, relink
int cmd_rematch(int argc, char** argv);
int cmd_feed(int argc, char** argv);
int cmd_audit_reads(int argc, char** argv);  // the access audit: who read a citizen's book
int cmd_verify(int argc, char** argv);   // the log's tamper evidence and the indexes (storage/verify.hpp)
int cmd_stats(int argc, char** argv);    // bytes on disk per table, per episode, against the raw input
int cmd_backup(int argc, char** argv);   // a hot backup (storage/backup.hpp)
int cmd_restore(int argc, char** argv);
int cmd_facility_key(int argc, char** argv);  // `ehb admin facility-key`: signing keys (engine/facility_keys.hpp)
int cmd_proof(int argc, char** argv);         // a record's signature, verified again, with what was signed

}  // namespace ehb::cli
