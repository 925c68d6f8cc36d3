// Vietnamese addresses reduced to their place names and numbers, for comparing two records'
// addresses whatever their spelling: full ("Số 12, Đường Trần Phú, Phường Tân Định, Quận Hải Châu,
// Thành phố Đà Nẵng"), abbreviated ("12 Trần Phú, P. Tân Định, Q. Hải Châu, TP. Đà Nẵng", "P.Tân Định",
// "Tp HCM"), without diacritics, or with parts missing.
#pragma once

#include <string>
#include <string_view>

namespace ehb::person {

// Folded address tokens with the administrative words and their abbreviations removed: what is left are
// the place names and house numbers, e.g. "12 tran phu tan dinh hai chau da nang". Appends to out
// (cleared first).
// - Always removed: p q x h t f, tp tx tt kp tdp kdc, huyen xa thon ap xom khom khu hem kiet ngach so,
//   and the phrases thanh pho, thi xa, thi tran, to dan pho, khu dan cu, khu vuc, so nha, viet nam.
// - Removed only where they name a level: phuong quan tinh duong pho ngo to ban buon, which fold like
//   place names (Bình Dương, Sơn Tịnh, Phương Mai, Ngô Quyền). That is when a name follows them in their
//   part of the address (parts are cut at , ; - | and line ends) and they do not end a one-syllable name:
//   "Tỉnh Bình Dương" → "binh duong", "Huyện Sơn Tịnh" → "son tinh", "Long Thạnh Tỉnh Bình Dương" →
//   "long thanh binh duong", but also "Đường Dương Quảng Hàm" → "quang ham" (alike on both sides).
// - Numbers are kept without leading zeros ("Quận 03" → "3"); "p12", "q3", "f7" → "12", "3", "7".
// - "hcm", "tphcm" → "ho chi minh"; "hn", "tphn" → "ha noi".
void address_key(std::string_view utf8, std::string& out);

// Token-set similarity of two address keys in [0, 1]: |A∩B| / |A∪B| over space-separated tokens (up to
// 64 distinct tokens a side; more are ignored); a house number token counts like any other. Empty on
// either side → -1 (missing).
double address_similarity(std::string_view key_a, std::string_view key_b);

}  // namespace ehb::person
