#include "engine/fhir_out_impl.hpp"

#include <algorithm>
#include <charconv>

namespace ehb {

namespace {

// -?[0-9]+(\.[0-9]+)? : what GIA_TRI or SO_LUONG holds when it is a number.
bool is_plain_decimal(std::string_view s) {
    std::size_t i = !s.empty() && s[0] == '-';
    const std::size_t int_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == int_start) return false;
    if (i == s.size()) return true;
    if (s[i] != '.') return false;
    const std::size_t frac_start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i == s.size() && i > frac_start;
}

// The JSON number to write for a plain decimal: itself when it reads back
// unchanged, else its shortest double form; "" when it is not a finite decimal.
std::string quantity_value(std::string_view s) {
    if (!is_plain_decimal(s)) return {};
    if (is_exact_number_text(s)) return std::string(s);
    double d;
    if (std::from_chars(s.data(), s.data() + s.size(), d).ec != std::errc()) return {};
    char buf[32];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
}

// A positiveInt as FHIR spells it (no sign, no leading zero, at most 2^31-1).
bool is_positive_int(std::string_view s) {
    if (s.empty() || s.size() > 10 || s[0] == '0') return false;
    int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    return v <= INT32_MAX;
}

// A CodeableConcept: one coding (when `code` is not empty) and a text.
void codeable_concept(JsonOut& j, std::string_view key, std::string_view system, std::string_view code,
                      std::string_view text = {}, std::string_view display = {}) {
    j.begin_object(key);
    if (!code.empty()) {
        j.begin_array("coding");
        j.begin_object();
        j.string("system", system);
        j.string("code", code);
        j.string("display", display);
        j.end();
        j.end();
    }
    j.string("text", text);
    j.end();
}

// As reasonCode: the principal code with the text, then one per other code.
void reason_codes(JsonOut& j, const Diagnoses& d) {
    j.begin_array("reasonCode");
    for (std::size_t i = 0; i < d.codes.size(); ++i)
        codeable_concept(j, {}, kCsIcd10, d.codes[i], i == 0 ? d.text : "");
    j.end();
}

// A CodeableConcept of one code from a field, when it is a FHIR code.
void coded_field(JsonOut& j, std::string_view key, Fields& f, std::string_view field, std::string_view system,
                 bool numeric = false) {
    const std::string code = numeric ? f.num(field) : std::string(f.str(field));
    if (!is_fhir_code(code)) return;
    f.claim(field);
    codeable_concept(j, key, system, code);
}

// The CodeableConcept of a coded thing with a name (a drug, an indicator, a
// vaccine); R4 requires it, so with neither it says the code is unknown.
void named_code(JsonOut& j, std::string_view key, Fields& f, std::string_view code_field, std::string_view name_field,
                std::string_view system) {
    const std::string_view code = f.str(code_field);
    const std::string_view name = f.str(name_field);
    const bool coded = is_fhir_code(code);
    if (coded) f.claim(code_field);
    if (!name.empty()) f.claim(name_field);
    if (!coded && name.empty())
        codeable_concept(j, key, kCsDataAbsent, "unknown");
    else
        codeable_concept(j, key, system, coded ? code : "", name);
}

// A string element from a field, which it then carries.
void string_field(JsonOut& j, std::string_view key, Fields& f, std::string_view field) {
    const std::string_view v = f.str(field);
    if (v.empty()) return;
    j.string(key, v);
    f.claim(field);
}

// A dateTime (or, with fhir_date, a date) element from a field that converts exactly.
void time_field(JsonOut& j, std::string_view key, Fields& f, std::string_view field,
                std::string (*to_fhir)(std::string_view) = fhir_time) {
    const std::string t = to_fhir(f.str(field));
    if (t.empty()) return;
    j.string(key, t);
    f.claim(field);
}

void identifier_field(JsonOut& j, std::string_view system, Fields& f, std::string_view field) {
    const std::string_view value = f.str(field);
    if (value.empty()) return;
    identifier(j, system, value);
    f.claim(field);
}

// A logical reference to a practitioner by licence (CCHN) number.
void practitioner_field(JsonOut& j, std::string_view key, Fields& f, std::string_view field) {
    const std::string_view licence = f.str(field);
    if (licence.empty()) return;
    j.begin_object(key);
    j.begin_object("identifier");
    j.string("system", kSidPractitioner);
    j.string("value", licence);
    j.end();
    j.end();
    f.claim(field);
}

// note: [{text}] from a field.
void note_field(JsonOut& j, Fields& f, std::string_view field) {
    j.begin_array("note");
    j.begin_object();
    string_field(j, "text", f, field);
    j.end();
    j.end();
}

constexpr std::string_view kXml13NoteFields[] = {"DAU_HIEU_LS", "QT_BENHLY", "TOMTAT_KQ", "HUONG_DIEU_TRI",
                                                 "TINH_TRANG_CT"};

bool is_source_code(std::string_view s) {
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    return !s.empty();
}

}  // namespace

// ---- the visit ----

void FhirBookWriter::Impl::encounter(const object& top, Fields& c, std::string_view table) {
    const std::string id = id_for({"Encounter"});
    enc_url = url_of(id);
    episode_lk = c.str("MA_LK");
    person(c, table);

    Resource r("Encounter", id);
    JsonOut& j = r.j;
    j.begin_array("identifier");
    identifier_field(j, kSidMaLk, c, "MA_LK");
    j.end();
    j.string("status", table == kEpisodeTable ? "finished" : "in-progress");
    const ActClass cls = encounter_class(c.str("MA_LOAI_KCB"));
    j.begin_object("class");
    j.string("system", kCsActCode);
    j.string("code", cls.code);
    j.string("display", cls.display);
    j.end();
    j.begin_array("type");
    coded_field(j, {}, c, "MA_LOAI_KCB", kCsVisitType);
    coded_field(j, {}, c, "MA_DOITUONG_KCB", kCsVisitObject);
    j.end();
    reference(j, "subject", patient_url());
    j.begin_object("period");
    time_field(j, "start", c, "NGAY_VAO");
    time_field(j, "end", c, "NGAY_RA");
    j.end();
    j.begin_array("reasonCode");
    j.begin_object();
    string_field(j, "text", c, "LY_DO_VV");
    j.end();
    j.end();
    const Diagnoses d = diagnoses(c);
    j.begin_array("diagnosis");
    for (std::size_t i = 0; i < d.codes.size(); ++i) {
        j.begin_object();
        reference(j, "condition", url_of(id_for({"Condition", std::to_string(i)})));
        j.raw("rank", std::to_string(i + 1));
        j.end();
    }
    j.end();
    j.begin_object("hospitalization");
    for (auto [field, key] : {std::pair{"MA_NOI_DI", "origin"}, std::pair{"MA_NOI_DEN", "destination"}}) {
        const std::string_view code = c.str(field);
        if (code.empty()) continue;
        reference(j, key, facility_entry("Organization", code));
        c.claim(field);
    }
    // A number field of XML1 only, where the canonical form makes the code read
    // back a number again; elsewhere (a check-in's) an extension keeps its JSON type.
    if (table == kEpisodeTable) coded_field(j, "dischargeDisposition", c, "MA_LOAI_RV", kCsDischargeType, true);
    j.end();
    if (const std::string_view facility = c.str("MA_CSKCB"); !facility.empty()) {
        reference(j, "serviceProvider", facility_entry("Organization", facility));
        c.claim("MA_CSKCB");
    }
    extensions(j, c, &top, table);
    done(r, id);
    conditions(d);

    for (auto kv : top) {
        if (kv.key == table || !has_resources(kv.key, kv.value)) continue;
        if (kv.key == "XML4") {
            lab_results(as_array(kv.value));
        } else if (kv.key == "XML2") {
            std::size_t i = 0;
            for (element row : as_array(kv.value)) {
                Fields f(as_object(row));
                medication(f, i++);
            }
        } else {
            Fields f(as_object(kv.value));
            if (kv.key == "XML13")
                referral(f);
            else
                appointment(f);
        }
    }
}

void FhirBookWriter::Impl::conditions(const Diagnoses& d) {
    for (std::size_t i = 0; i < d.codes.size(); ++i) {
        const std::string id = id_for({"Condition", std::to_string(i)});
        Resource r("Condition", id);
        r.j.begin_array("category");
        codeable_concept(r.j, {}, kCsConditionCategory, "encounter-diagnosis");
        r.j.end();
        codeable_concept(r.j, "code", kCsIcd10, d.codes[i], i == 0 ? d.text : "");
        link(r.j);
        done(r, id);
    }
}

void FhirBookWriter::Impl::medication(Fields& f, std::size_t index) {
    const std::string id = id_for({"MedicationRequest", std::to_string(index)});
    link_row(f);
    Resource r("MedicationRequest", id);
    JsonOut& j = r.j;
    j.string("status", "completed");
    j.string("intent", "order");
    named_code(j, "medicationCodeableConcept", f, "MA_THUOC", "TEN_THUOC", kCsDrug);
    link(j);
    time_field(j, "authoredOn", f, "NGAY_YL");
    practitioner_field(j, "requester", f, "MA_BAC_SI");
    j.begin_array("dosageInstruction");
    j.begin_object();
    string_field(j, "text", f, "LIEU_DUNG");
    string_field(j, "patientInstruction", f, "CACH_DUNG");
    coded_field(j, "route", f, "DUONG_DUNG", kCsRoute);
    j.end();
    j.end();
    j.begin_object("dispenseRequest");
    j.begin_object("quantity");
    const std::string amount = f.num("SO_LUONG");
    if (const std::string value = quantity_value(amount); !value.empty()) {
        j.raw("value", value);
        if (value == amount) f.claim("SO_LUONG");
    }
    string_field(j, "unit", f, "DON_VI_TINH");
    j.end();
    j.end();
    extensions(j, f);
    done(r, id);
}

// XML4: an Observation per row, and a DiagnosticReport per MA_DICH_VU with
// those rows as results. KET_LUAN is the report's conclusion when all its
// rows share it, else each row's own.
void FhirBookWriter::Impl::lab_results(const simdjson::dom::array& rows) {
    std::vector<Fields> fs;
    for (element row : rows) fs.emplace_back(as_object(row));
    struct Group {
        std::string_view service;
        std::vector<std::size_t> rows;
        std::string_view conclusion;
    };
    std::vector<Group> groups;
    for (std::size_t i = 0; i < fs.size(); ++i) {
        const std::string_view service = fs[i].str("MA_DICH_VU");
        if (!is_fhir_code(service)) continue;
        fs[i].claim("MA_DICH_VU");
        auto g = std::find_if(groups.begin(), groups.end(), [&](const Group& x) { return x.service == service; });
        if (g == groups.end()) g = groups.insert(groups.end(), Group{service, {}, {}});
        g->rows.push_back(i);
    }
    for (Group& g : groups) {
        const std::string_view conclusion = fs[g.rows[0]].str("KET_LUAN");
        bool shared_by_all = !conclusion.empty();
        for (std::size_t i : g.rows) shared_by_all = shared_by_all && fs[i].str("KET_LUAN") == conclusion;
        if (!shared_by_all) continue;
        g.conclusion = conclusion;
        for (std::size_t i : g.rows) fs[i].claim("KET_LUAN");
    }

    for (std::size_t i = 0; i < fs.size(); ++i) {
        Fields& f = fs[i];
        const std::string id = id_for({"Observation", std::to_string(i)});
        link_row(f);
        Resource r("Observation", id);
        JsonOut& j = r.j;
        j.string("status", f.present("GIA_TRI") ? "final" : "registered");
        named_code(j, "code", f, "MA_CHI_SO", "TEN_CHI_SO", kCsIndicator);
        link(j);
        time_field(j, "effectiveDateTime", f, "NGAY_KQ");
        j.begin_array("performer");
        practitioner_field(j, {}, f, "MA_BS_DOC_KQ");
        j.end();
        const std::string_view value = f.str("GIA_TRI");
        if (const std::string number = quantity_value(value); !number.empty() && !f.str("DON_VI_DO").empty()) {
            j.begin_object("valueQuantity");
            j.raw("value", number);
            string_field(j, "unit", f, "DON_VI_DO");
            j.end();
            if (number == value) f.claim("GIA_TRI");
        } else {
            string_field(j, "valueString", f, "GIA_TRI");
        }
        note_field(j, f, "MO_TA");
        extensions(j, f);
        done(r, id);
    }

    for (std::size_t g = 0; g < groups.size(); ++g) {
        const std::string id = id_for({"DiagnosticReport", std::to_string(g)});
        bool complete = true;
        for (std::size_t i : groups[g].rows) complete = complete && fs[i].present("GIA_TRI");
        Resource r("DiagnosticReport", id);
        JsonOut& j = r.j;
        j.string("status", complete ? "final" : "partial");
        codeable_concept(j, "code", kCsService, groups[g].service);
        link(j);
        j.begin_array("result");
        for (std::size_t i : groups[g].rows) reference(j, {}, url_of(id_for({"Observation", std::to_string(i)})));
        j.end();
        j.string("conclusion", groups[g].conclusion);
        done(r, id);
    }
}

void FhirBookWriter::Impl::referral(Fields& f) {
    const std::string id = id_for({"ServiceRequest"});
    link_row(f);
    Resource r("ServiceRequest", id);
    JsonOut& j = r.j;
    j.begin_array("identifier");
    identifier_field(j, kSidReferralPaper, f, "GIAY_CHUYEN_TUYEN");
    identifier_field(j, kSidReferralFile, f, "SO_HOSO");
    identifier_field(j, kSidReferralRegister, f, "SO_CHUYENTUYEN");
    j.end();
    j.string("status", "completed");
    j.string("intent", "order");
    j.begin_array("category");
    codeable_concept(j, {}, kCsSnomed, "3457005", {}, "Patient referral");
    j.end();
    link(j);
    practitioner_field(j, "requester", f, "MA_BAC_SI");
    if (const std::string_view to = f.str("MA_CSKCB_DEN"); !to.empty()) {
        j.begin_array("performer");
        reference(j, {}, facility_entry("Organization", to));
        j.end();
        f.claim("MA_CSKCB_DEN");
    }
    reason_codes(j, diagnoses(f));
    j.begin_array("note");
    for (std::string_view field : kXml13NoteFields) {
        if (f.str(field).empty()) continue;
        j.begin_object();
        j.begin_array("extension");
        j.begin_object();
        j.string("url", kExtNoteField);
        j.string("valueString", field);
        j.end();
        j.end();
        string_field(j, "text", f, field);
        j.end();
    }
    j.end();
    extensions(j, f);
    done(r, id);
}

void FhirBookWriter::Impl::appointment(Fields& f) {
    const std::string id = id_for({"Appointment"});
    link_row(f);
    const std::string start = fhir_time(f.str("NGAY_HEN_KL"));
    if (!start.empty()) f.claim("NGAY_HEN_KL");
    Resource r("Appointment", id);
    JsonOut& j = r.j;
    j.begin_array("identifier");
    identifier_field(j, kSidAppointmentSlip, f, "SO_GIAYHEN_KL");
    j.end();
    // R4 (app-3): a booked appointment has a start and an end.
    j.string("status", start.empty() ? "proposed" : "booked");
    reason_codes(j, diagnoses(f));
    j.string("start", start);
    j.string("end", start);
    time_field(j, "created", f, "NGAY_CT", fhir_date);
    // R4 Appointment.participant.actor takes a Location, not an Organization.
    const std::string facility = facility_entry("Location", f.str("MA_CSKCB"));
    if (!facility.empty()) f.claim("MA_CSKCB");
    j.begin_array("participant");
    for (const std::string& actor : {patient_url(), facility}) {
        if (actor.empty()) continue;
        j.begin_object();
        reference(j, "actor", actor);
        j.string("status", "accepted");
        j.end();
    }
    j.end();
    extensions(j, f);
    done(r, id);
}

// ---- the vaccination ----

void FhirBookWriter::Impl::immunization(const object& top, Fields& c) {
    const std::string id = id_for({"Immunization"});
    person(c, kVaccinationTable);
    Resource r("Immunization", id);
    JsonOut& j = r.j;
    const std::string_view source = c.str("HE_THONG_NGUON");
    if (is_source_code(source) && !c.str("MA_BAN_GHI").empty()) {
        j.begin_array("identifier");
        identifier_field(j, cat({kSourcePrefix, source}), c, "MA_BAN_GHI");
        j.end();
        c.claim("HE_THONG_NGUON");
    }
    j.string("status", "completed");
    named_code(j, "vaccineCode", c, "MA_VACCINE", "TEN_VACCINE", kCsVaccine);
    reference(j, "patient", patient_url());
    time_field(j, "occurrenceDateTime", c, "NGAY_TIEM", fhir_time_or_date);
    if (const std::string_view place = c.str("NOI_TIEM"); !place.empty()) {
        reference(j, "location", named_location(place));
        c.claim("NOI_TIEM");
    }
    string_field(j, "lotNumber", c, "SO_LO");
    j.begin_object("manufacturer");
    string_field(j, "display", c, "NHA_SAN_XUAT");
    j.end();
    if (const std::string_view facility = c.str("MA_CSKCB"); !facility.empty()) {
        j.begin_array("performer");
        j.begin_object();
        reference(j, "actor", facility_entry("Organization", facility));
        j.end();
        j.end();
        c.claim("MA_CSKCB");
    }
    note_field(j, c, "GHI_CHU");
    if (const std::string dose = c.num("MUI_THU"); !dose.empty()) {
        j.begin_array("protocolApplied");
        j.begin_object();
        if (is_positive_int(dose))
            j.raw("doseNumberPositiveInt", dose);
        else
            j.string("doseNumberString", dose);
        j.end();
        j.end();
        c.claim("MUI_THU");
    }
    extensions(j, c, &top, kVaccinationTable);
    done(r, id);
}

}  // namespace ehb
