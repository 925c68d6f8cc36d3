#!/usr/bin/env bash
# Regenerates the fixtures of this folder (README.md) with an independent
# implementation: OpenSSL for keys and certificates, xmlsec1 (libxmlsec1 over
# libxml2) for signatures, xmllint (libxml2) for canonical forms. Not run by
# the tests or CI: the outputs are committed.
set -euo pipefail
cd "$(dirname "$0")"

# Keys and self-signed certificates (chains and dates are not checked).
openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa_key.pem -out rsa_cert.pem -days 3650 \
  -subj "/C=VN/O=Benh vien Da khoa 01001/CN=01001"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec_key.pem -out ec_cert.pem -days 3650 \
  -subj "/C=VN/O=Phong kham 79002/CN=79002"
openssl req -x509 -newkey rsa:2048 -nodes -keyout other_key.pem -out other_cert.pem -days 3650 \
  -subj "/C=VN/O=Another facility/CN=01002"
for c in rsa ec other; do
  openssl x509 -in "${c}_cert.pem" -pubkey -noout | openssl pkey -pubin -outform DER -out "${c}_spki.der"
done

# Signatures: templates/*.xml hold the empty Signature elements xmlsec1 fills in.
xmlsec1 --sign --privkey-pem rsa_key.pem,rsa_cert.pem --output rsa_c14n.xml templates/rsa_c14n.xml
xmlsec1 --sign --privkey-pem rsa_key.pem,rsa_cert.pem --output rsa_exc_c14n.xml templates/rsa_exc_c14n.xml
xmlsec1 --sign --privkey-pem ec_key.pem,ec_cert.pem --output ecdsa.xml templates/ecdsa.xml
xmlsec1 --sign --privkey-pem rsa_key.pem,rsa_cert.pem --id-attr:Id GIAMDINHHS --output rsa_id.xml templates/rsa_id.xml
# Signs THONGTINDONVI only: verifies, yet leaves the rest of the submission unsigned.
xmlsec1 --sign --privkey-pem rsa_key.pem,rsa_cert.pem --id-attr:Id THONGTINDONVI --output rsa_part.xml templates/rsa_part.xml
xmlsec1 --sign --privkey-pem rsa_key.pem,rsa_cert.pem --output edge.xml templates/edge.xml
# A whole valid submission (../xml/xml130_inpatient.xml with the template's CHUKYDONVI) for ehbd's tests.
xmlsec1 --sign --privkey-pem rsa_key.pem,rsa_cert.pem --output submission.xml templates/submission.xml
sed -i 's/$/\r/' edge.xml  # xmlsec1 writes LF; the submission arrives with CRLF, which XML reads as LF
for f in rsa_c14n rsa_exc_c14n ecdsa edge submission; do xmlsec1 --verify --insecure "$f.xml"; done
xmlsec1 --verify --insecure --id-attr:Id GIAMDINHHS rsa_id.xml
xmlsec1 --verify --insecure --id-attr:Id THONGTINDONVI rsa_part.xml

# Canonical forms (xmllint writes them with comments).
for f in c14n/*.xml; do
  xmllint --c14n "$f" >"${f%.xml}.c14n"
  xmllint --exc-c14n "$f" >"${f%.xml}.exc-c14n"
done
