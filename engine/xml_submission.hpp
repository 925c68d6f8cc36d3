// Reading the official XML submission file (GIAMDINHHS, domain reference
// §2.2-2.3) into the episode document of docs/records.md. The envelope names
// the facility (THONGTINDONVI/MACSKCB) and carries one FILEHOSO per table:
// LOAIHOSO says which (XML0..XML15) and NOIDUNGFILE holds the table's own XML
// document in base64. Each inner document becomes one member of the JSON
// document, under the Ministry's tag names as sent: the parser tells the
// generation (4210, 130/4750, 3176) from those names and renames, so nothing
// is renamed here. The facility's signature (CHUKYDONVI) is handed back byte
// for byte, for whoever verifies it. A submission must hold exactly one HOSO:
// the portal's API takes one file per episode, and one episode per file lets
// a submission map onto one document, one status and one stored version;
// the batch format that TT 48 also allows is refused rather than split.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "engine/record.hpp"

namespace ehb {

struct XmlSubmission {
    std::string document;   // the episode document as JSON text (UTF-8), ready for EpisodeParser
    std::string facility;   // THONGTINDONVI/MACSKCB as sent
    std::string signature;  // the <CHUKYDONVI>…</CHUKYDONVI> element, byte for byte as in the input; empty if none
};

// Reusable and single-threaded: keep one per thread (its XML documents and
// buffers are reused from one submission to the next).
class XmlSubmissionReader {
public:
    explicit XmlSubmissionReader(std::size_t max_bytes = 8u << 20);  // larger input: E_TOO_LARGE
    ~XmlSubmissionReader();
    XmlSubmissionReader(XmlSubmissionReader&&) noexcept;
    XmlSubmissionReader& operator=(XmlSubmissionReader&&) noexcept;

    // True: `out` holds the submission's document, facility and signature.
    // False: `error` says why (E_TOO_LARGE, E_UTF8, E_XML, E_XML_DOCTYPE,
    // E_XML_ENVELOPE, E_BASE64); `out` is unspecified.
    bool read(std::string_view xml, XmlSubmission& out, Issue& error);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// True when the bytes look like XML (first non-whitespace byte after an
// optional UTF-8 BOM is '<').
bool looks_like_xml(std::string_view bytes) noexcept;

}  // namespace ehb
