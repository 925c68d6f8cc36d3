// fuzz_xml: any bytes into the XML submission reader (engine/xml_submission.*:
// pugixml, base64, the GIAMDINHHS envelope). A rejection carries one of the
// reader's codes and a reason; a reader that has read other submissions
// gives the same answer as a fresh one. An accepted submission names its
// facility, hands back its signature as bytes of the input, and yields a JSON
// document that the episode parser can read (it may reject the episode's
// fields, never the JSON the reader wrote), and an accepted record survives
// the trip through FHIR (tests/fuzz/fhir_round_trip.hpp). The prepare stage routes what
// looks like XML here and reaches the same verdict as reader then parser.
// Each input is read twice: as a whole submission, and as the content of the
// one FILEHOSO of a valid envelope (in base64, under the table its root
// element names, XML1 when none), so that mutations reach the tables' XML
// without having to keep base64 valid.
#include <array>
#include <string>

#include "engine/ingest.hpp"
#include "engine/parse.hpp"
#include "engine/xml_layouts.hpp"
#include "engine/xml_submission.hpp"
#include "tests/fuzz/fhir_round_trip.hpp"
#include "tests/fuzz/harness.hpp"

namespace {

bool reader_code(std::string_view code) {
    constexpr std::array<std::string_view, 6> codes = {"E_TOO_LARGE",    "E_UTF8",         "E_XML",
                                                       "E_XML_DOCTYPE", "E_XML_ENVELOPE", "E_BASE64"};
    for (std::string_view c : codes)
        if (c == code) return true;
    return false;
}

using namespace ehb;
using ehb::fuzz::require;

// The table whose root element (or QĐ 4210 list element) `xml` opens with; XML1 when none.
std::string_view table_of(std::string_view xml) {
    for (std::size_t at = xml.find('<'); at != std::string_view::npos; at = xml.find('<', at + 1)) {
        if (at + 1 < xml.size() && (xml[at + 1] == '?' || xml[at + 1] == '!')) continue;
        const std::size_t end = xml.find_first_of(" \t\r\n/>", at + 1);
        const std::string_view name = xml.substr(at + 1, end == std::string_view::npos ? end : end - at - 1);
        for (std::size_t t = 0; t < kXmlTableCount; ++t)
            if (name == kXmlTableLayouts[t].root || (!kXmlTableLayouts[t].list.empty() && name == kXmlTableLayouts[t].list))
                return kXmlTableNames[t];
        break;
    }
    return "XML1";
}

std::string base64(std::string_view bytes) {
    static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 2]);
        out += kDigits[v >> 18 & 63];
        out += kDigits[v >> 12 & 63];
        out += i + 1 < bytes.size() ? kDigits[v >> 6 & 63] : '=';
        out += i + 2 < bytes.size() ? kDigits[v & 63] : '=';
    }
    return out;
}

// A submission of facility 01001 whose one file is `table`, holding `content`.
std::string wrapped(std::string_view content) {
    return std::string("<GIAMDINHHS><THONGTINDONVI><MACSKCB>01001</MACSKCB></THONGTINDONVI><THONGTINHOSO>"
                       "<NGAYLAP>20240311</NGAYLAP><SOLUONGHOSO>1</SOLUONGHOSO><DANHSACHHOSO><HOSO><FILEHOSO><LOAIHOSO>") +
           std::string(table_of(content)) + "</LOAIHOSO><NOIDUNGFILE>" + base64(content) +
           "</NOIDUNGFILE></FILEHOSO></HOSO></DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>";
}

void check(std::string_view input) {
    static XmlSubmissionReader reused;
    static EpisodeParser parser;
    static Preparer preparer;
    XmlSubmissionReader fresh;
    XmlSubmission out, again;
    Issue error, error_again;
    const bool ok = fresh.read(input, out, error);
    require(reused.read(input, again, error_again) == ok, "a reused reader reaches a fresh one's verdict");
    bool episode_ok = false;
    if (!ok) {
        require(reader_code(error.code) && !error.reason.empty(), "a rejection carries a reader's code and a reason");
        require(error_again.code == error.code && error_again.field == error.field, "a reused reader gives the same error");
    } else {
        require(again.document == out.document && again.facility == out.facility && again.signature == out.signature,
                "a reused reader gives the same submission");
        require(!out.facility.empty(), "an accepted submission names its facility");
        require(out.signature.empty() ||
                    (out.signature.starts_with("<CHUKYDONVI") && input.find(out.signature) != std::string_view::npos),
                "the signature is the CHUKYDONVI element's bytes as sent");
        ParsedRecord record;
        episode_ok = parser.parse(out.document, record, error);
        require(episode_ok || (error.code != "E_JSON" && error.code != "E_UTF8" && error.code != "E_DUPLICATE_KEY"),
                "the reader writes JSON the parser can read");
        if (episode_ok) fuzz::require_fhir_round_trip(record);
    }
    if (looks_like_xml(input)) {
        Prepared prepared;
        preparer.prepare(input, prepared);
        require(prepared.format == SourceFormat::xml, "what looks like XML is prepared as XML");
        require(prepared.ok == (ok && episode_ok), "the prepare stage reaches reader and parser's verdict");
    }
}

}  // namespace

void ehb::fuzz::xml(std::string_view input) {
    check(input);
    check(wrapped(input));
}

EHB_FUZZ_ENTRY(ehb::fuzz::xml)
