// An episode document written as the XML submission (GIAMDINHHS) a facility
// sends the insurance portal: each table its own UTF-8 XML document, text in
// CDATA, base64-encoded in the envelope, and a signature block. For tests and
// benchmarks of the XML path (the engine reads these; it never writes them).
#pragma once

#include <string>
#include <string_view>

namespace ehb::workload {

// A CHUKYDONVI block of the shape facilities send (an XML-DSig signature);
// its values are placeholders, not a real signature.
extern const std::string_view kSampleSignature;

// Throws std::invalid_argument when `json_document` is not a JSON object of tables.
std::string xml_submission(std::string_view json_document, std::string_view signature = kSampleSignature);

}  // namespace ehb::workload
