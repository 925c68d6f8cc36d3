// Vietnamese names in the forms the matcher compares (docs/persons.md): folded
// (no diacritics), toned (diacritics kept as ASCII, tone last), spelling
// variants, family names, and the placeholder names that must link nothing.
#pragma once

#include <string>
#include <string_view>

namespace ehb::person {

// Folded form: lowercase ASCII letters, digits and single spaces between tokens; every Vietnamese
// diacritic removed (ă â → a, ê → e, ô ơ → o, ư → u, đ Đ → d, all five tone marks), both precomposed (NFC)
// and decomposed (NFD: base letter + combining U+0300 U+0301 U+0303 U+0309 U+0323 U+0302 U+0306 U+031B)
// input; uppercase folded to lowercase; punctuation (.,-_'/() etc.) and any whitespace (incl. NBSP U+00A0)
// act as separators; leading/trailing separators dropped. Other Latin letters of Latin-1 and Latin
// Extended-A fold to their base letter (ü → u, as NFD "u + U+0308" does; Ð, the eth that legacy encodings
// put for Đ, → d); other non-ASCII letters, other combining marks and invalid UTF-8 bytes are dropped;
// invisible format characters (soft hyphen, zero-width space and joiners, BOM) too, without splitting.
// Appends to `out` (cleared first) so callers can reuse a buffer.
void fold(std::string_view utf8, std::string& out);
std::string fold(std::string_view utf8);

// Toned form: like fold (same tokens), but each syllable keeps its vowel letters' modifiers in ASCII and
// its tone as a trailing digit, so the form does not depend on where the tone mark was placed (old "hoà",
// "thuỷ" and new "hòa", "thủy" are equal) nor on NFC/NFD. Letters: â→aa, ă→aw, ê→ee, ô→oo, ơ→ow, ư→uw,
// đ→dd (Telex letters); tones: none → no digit, sắc (acute) 1, huyền (grave) 2, hỏi (hook) 3,
// ngã (tilde) 4, nặng (dot below) 5, appended at the END of the token. E.g. "Nguyễn Thị Thuỷ" →
// "nguyeen4 thi5 thuy3", "Hoà" → "hoa2", "Đặng" → "ddawng5". A token with two tone marks (malformed)
// keeps the last one.
void toned(std::string_view utf8, std::string& out);
std::string toned(std::string_view utf8);

// Spelling variants, applied to each token of a folded or toned string in place: a final "y" after a
// consonant (or after the "qu" consonant) becomes "i" (Quý/Quí, Mỹ/Mĩ, Lý/Lí, Kỳ/Kì, Vy/Vi: "quy"→"qui",
// "my"→"mi"; "huy", "duy", "thuy", "y" keep it). In toned form the tone digit stays last ("quy1" → "qui1").
void spelling_variants(std::string& folded_or_toned_string);

// True when the folded token (spelling variants applied or not: "ly" and "li") is a Vietnamese family
// name. Used to detect family/middle/given order ("Anh Nguyen Van" written in Western order), so
// family names that are far more often given names (son, kim, hong, trang, thang, van, ...) are left out.
bool is_family_name(std::string_view folded_token);

// True for placeholder names that must never link anything: "khong ro ten", "khong ten", "chua ro ten",
// "vo danh", "an danh", "khong xac dinh", "unknown", "no name", "test", "xxx", "nn", ... optionally after
// "benh nhan"/"bn"/"nguoi" and before a number ("bn vo danh 12"); a name of only x's, of only digits, of
// one letter, or empty.
bool is_placeholder_name(std::string_view folded);

// True for the name a newborn is recorded under before it has its own: "con cua ...", "con ba ...",
// "con me ..." (any name starting with "con"), "be trai ...", "be gai ...", "so sinh ...",
// "tre so sinh ...". These are real records, not placeholders.
bool is_newborn_name(std::string_view folded);

}  // namespace ehb::person
