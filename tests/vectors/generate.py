# Writes tests/vectors/*.json from the spec's values (sinch-auth-spec.md section 5), and checks every
# expected value with Python's own hmac/hashlib first (so a typo cannot become a "fact").
import base64, hashlib, hmac, json, os, calendar, datetime
OUT = os.path.dirname(os.path.abspath(__file__))
os.makedirs(OUT, exist_ok=True)

def lenient_b64(s):
    s = s.replace('-', '+').replace('_', '/').rstrip('=')
    bits = ''.join(format("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".index(c), '06b') for c in s)
    return bytes(int(bits[i:i+8], 2) for i in range(0, len(bits) - len(bits) % 8, 8))

def md5b64(b): return base64.b64encode(hashlib.md5(b).digest()).decode() if b else ""
def app_sig(secret, sts): return base64.b64encode(hmac.new(lenient_b64(secret), sts.encode(), hashlib.sha256).digest()).decode()
def sts(m, body, ct, ts, path): return f"{m}\n{md5b64(body)}\n{ct}\nx-timestamp:{ts}\n{path}"
def iso(s):
    # seconds since epoch (float) of an ISO string ending in Z
    main, _, frac = s.rstrip('Z').partition('.')
    t = calendar.timegm(datetime.datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").timetuple())
    return t + (float('0.' + frac) if frac else 0.0)

A1_BODY = '{"identity":{"type":"number","endpoint":"+33444555666"},"method":"sms"}'
A3_BODY = '{"id":"018d2104-aaa-bbbb-1234","price":{"amount":0.0308},"rate":{"amount":0.0}}'
A4_BODY = '{"identity": {"type": "number", "endpoint": "+46700000000"}, "method": "sms"}'
B4_BODY = '{"id":"018c25e1-7163-5677-b8fb-467d7b1cffa5","event":"VerificationResultEvent","method":"sms","identity":{"verified":false,"type":"number","endpoint":"+33628254417"},"status":"FAIL","reason":"Expired"}'
B5_BODY = '{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257","timestamp":"2014-09-24T10:59:41Z","version":1}'
B5_KEY = "669E367E-6BBA-48AB-AF15-266871C28135"

signing = []
def sign_case(id, source, key, secret, method, path, ct, ts, body, content_md5=None, string_to_sign=None, signature=None, authorization=None, note=None):
    s = sts(method.upper(), body.encode(), ct, ts, path)
    sig = app_sig(secret, s)
    if content_md5 is not None: assert md5b64(body.encode()) == content_md5, id
    if string_to_sign is not None: assert s == string_to_sign, id
    if signature is not None: assert sig == signature, (id, sig)
    if authorization is not None: assert authorization == f"Application {key}:{sig}", (id, sig)
    exp = {k: v for k, v in dict(content_md5=md5b64(body.encode()), string_to_sign=s, signature=sig,
                                  authorization=f"Application {key}:{sig}", x_timestamp=ts).items()}
    c = dict(id=id, source=source, app_key=key, app_secret=secret, method=method, path=path,
             content_type=ct, timestamp=ts, body=body, expected=exp)
    if note: c["note"] = note
    signing.append(c)

sign_case("A1", "NODE signing.request.test.ts; JAVA ApplicationAuthManagerTest.java", "my-key-id", "bXkta2V5LXNlY3JldA==", "post",
          "/path/pathParamValue", "application/json; charset=UTF-8", "2023-11-22T09:10:11.999Z", A1_BODY,
          content_md5="RkD29EocJh6t7zr5QfKM4g==", authorization="Application my-key-id:QP3OzQZVzRZAEev6DBLvJkgpiqyZPuXYsc7oyjUV0K8=")
sign_case("A2", "NODE signing.request.test.ts (no body)", "my-key-id", "bXkta2V5LXNlY3JldA==", "get", "/path/pathParamValue",
          "application/json", "2023-11-22T09:10:11.999Z", "",
          string_to_sign="GET\n\napplication/json\nx-timestamp:2023-11-22T09:10:11.999Z\n/path/pathParamValue",
          authorization="Application my-key-id:nsrLDvP6KVD/dAxb3IfAncdwjPFJVWSrseEFOcZge+A=")
sign_case("A3", "NODE authorization.helper.test.ts (non-canonical secret: lenient Base64)", "app-key", "app-secret", "POST", "/webhook",
          "application/json; charset=utf-8", "2024-01-19T09:19:28.9372196Z", A3_BODY,
          content_md5="zvgV0+i8tMaEPl5sArRgSg==", authorization="Application app-key:p7hUz20oz16Fhfogs4Z0X+VA/Nhuu505I1alXYqwlKw=")
sign_case("A4", "NET AuthTests.cs GenerateCorrectApplicationSignature", B5_KEY, "BeIukql3pTKJ8RGL5zo0DA==", "POST",
          "/verification/v1/verifications", "application/json", "2014-06-04T13:41:58Z", A4_BODY,
          content_md5="c5jl2EZiU6BpQ2QiBOJ/gQ==", signature="h6rXrFayOoggyHW4ymnLlfSDkZZPg6j98lHzvOXVjvw=")
sign_case("A5", "NET AuthTests.cs AppSignatureWithEmptyBody", B5_KEY, "BeIukql3pTKJ8RGL5zo0DA==", "POST",
          "/verification/v1/verifications", "application/json", "2014-06-04T13:41:58Z", "",
          string_to_sign="POST\n\napplication/json\nx-timestamp:2014-06-04T13:41:58Z\n/verification/v1/verifications",
          signature="srx3SkKXw/ryFJLfwFFzZTigPxR/1+9Ae+eB3olDIjM=")
sign_case("B5-sign", "NET AuthenticationHeaderValidationTests.cs / Sinch Voice callback docs, signed outbound", B5_KEY, "BeIukql3pTKJ8RGL5zo0DA==", "POST",
          "/sinch/callback/ace", "application/json", "2014-09-24T10:59:41Z", B5_BODY, content_md5="REWF+X220L4/Gw1spXOU7g==",
          string_to_sign="POST\nREWF+X220L4/Gw1spXOU7g==\napplication/json\nx-timestamp:2014-09-24T10:59:41Z\n/sinch/callback/ace",
          signature="Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4=")
sign_case("B5-path", "spec 5.B B5: correct signature for /not/that/path", B5_KEY, "BeIukql3pTKJ8RGL5zo0DA==", "POST",
          "/not/that/path", "application/json", "2014-09-24T10:59:41Z", B5_BODY, signature="ygAcKGKDSDx9Mc26XieFNhD0TJGJSo+6GUrqS379nNw=")
sign_case("B5-get", "spec 5.B B5: correct signature for method GET", B5_KEY, "BeIukql3pTKJ8RGL5zo0DA==", "GET",
          "/sinch/callback/ace", "application/json", "2014-09-24T10:59:41Z", B5_BODY, signature="1VbG2+ckhFJOt6rYATzK9vVH65j+Cpvx/CRKiM437J4=")
sign_case("F1", "Voice signed-request docs, corrected (spec 5.F): resource /calling/v1/callouts", "doc-key", "JViE5vDor0Sw3WllZka15Q==", "POST",
          "/calling/v1/callouts", "application/json", "2014-06-04T13:41:58Z", '{"message":"Hello world"}',
          content_md5="jANzQ+rgAHyf1MWQFSwvYw==", signature="aS9fG2smJx6MIhPJDSNiaDQ1D3+e493HuL+VVA9pqyM=", note="the docs page prints qDXM... which belongs to F1-sms")
sign_case("F1-sms", "Voice signed-request docs, older page: resource /v1/sms/+46700000000", "doc-key", "JViE5vDor0Sw3WllZka15Q==", "POST",
          "/v1/sms/+46700000000", "application/json", "2014-06-04T13:41:58Z", '{"message":"Hello world"}',
          signature="qDXMwzfaxCRS849c/2R0hg0nphgdHciTo7OdM6MsdnM=")
sign_case("query-excluded", "spec 2.1: the canonical resource is the path only (query excluded by default)", "my-key-id", "bXkta2V5LXNlY3JldA==", "GET",
          "/calling/v1/calls/id/123?foo=bar", "", "2023-11-22T09:10:11.999Z", "")
signing[-1]["expected"]["string_to_sign"] = "GET\n\n\nx-timestamp:2023-11-22T09:10:11.999Z\n/calling/v1/calls/id/123"
signing[-1]["expected"]["signature"] = app_sig("bXkta2V5LXNlY3JldA==", signing[-1]["expected"]["string_to_sign"])
signing[-1]["expected"]["authorization"] = "Application my-key-id:" + signing[-1]["expected"]["signature"]

primitives = [
    dict(id="A6", kind="hmac_sha256_base64", source="NODE authorization.helper.test.ts (v1.1-v1.4)", app_secret="bXktc2VjcmV0",
         string_to_sign="pKXhl9sOsUjClws1oANArA==", expected=dict(signature="1vZeB9AYiJthOvaZeZFhOxZWLSqHHFWzFw7AGjrTtmk=")),
    dict(id="A7", kind="content_md5", source="NODE authorization.helper.test.ts (v1.1-v1.4)", body=A1_BODY, expected=dict(content_md5="RkD29EocJh6t7zr5QfKM4g==")),
    dict(id="G-empty-md5", kind="content_md5", source="spec 5.G / 2.1: empty body -> empty Content-MD5 line", body="", expected=dict(content_md5="")),
    dict(id="G-secret-app-secret", kind="secret_decode", source="spec 5.G", app_secret="app-secret", expected=dict(hex="6a9a7eb1e72b7a")),
    dict(id="G-secret-9876543210", kind="secret_decode", source="spec 5.G", app_secret="9876543210", expected=dict(hex="f7cefae78df6d7")),
    dict(id="G-secret-canonical", kind="secret_decode", source="spec 2.2", app_secret="BeIukql3pTKJ8RGL5zo0DA==", expected=dict(hex="05e22e92a977a53289f1118be73a340c")),
    dict(id="secret-invalid-char", kind="secret_decode", source="issue 3: any other character is a config error", app_secret="abc!def", expected=dict(error="config")),
]
assert base64.b64encode(hmac.new(lenient_b64("bXktc2VjcmV0"), b"pKXhl9sOsUjClws1oANArA==", hashlib.sha256).digest()).decode() == primitives[0]["expected"]["signature"]
assert md5b64(A1_BODY.encode()) == "RkD29EocJh6t7zr5QfKM4g=="
assert lenient_b64("app-secret").hex() == "6a9a7eb1e72b7a" and lenient_b64("9876543210").hex() == "f7cefae78df6d7"

def dump(name, cases, description):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({"description": description, "cases": cases}, f, indent=2, ensure_ascii=False)
        f.write("\n")

dump("application_signing.json", signing, "Outbound application signing (spec 5.A, 5.B B5 as signing, 5.F). Sign with app_key/app_secret, method, path, content_type, timestamp and body; expect every intermediate.")
dump("signing_primitives.json", primitives, "The primitives under application signing: HMAC-SHA256 over a given string-to-sign, Content-MD5, lenient secret decoding.")

# ---- inbound application callbacks
app_cb = []
def cb(id, source, key, secret, method, path, headers, body, now, expect, tolerance="default", note=None):
    c = dict(id=id, source=source, app_key=key, app_secret=secret, method=method, path=path, headers=headers, body=body,
             now=now, tolerance=tolerance, expect=expect)
    if note: c["note"] = note
    app_cb.append(c)
VALID = {"valid": True}
def bad(reason=None, kind="signature"):
    e = {"valid": False, "kind": kind}
    if reason: e["reason"] = reason
    return e
B1_H = [["Content-Type", "application/json; charset=utf-8"], ["x-timestamp", "x-timestamp:2024-01-19T09:19:28.9372196Z"]]
# verify B1 ourselves
b1s = sts("POST", A3_BODY.encode(), "application/json; charset=utf-8", "x-timestamp:2024-01-19T09:19:28.9372196Z", "/webhook")
assert app_sig("app-secret", b1s) == "wC8XcoLQ22cxrOsUqqbWk+LHJ82wtqR/IgeIp9NG8LY="
cb("B1", "NODE authorization.helper.test.ts; voice/verification callbacks-webhook.test.ts", "app-key", "app-secret", "POST", "/webhook",
   B1_H + [["authorization", "Application app-key:wC8XcoLQ22cxrOsUqqbWk+LHJ82wtqR/IgeIp9NG8LY="]], A3_BODY, None, VALID, tolerance=None,
   note="the test puts the prefixed string into the x-timestamp header, so freshness cannot be checked")
cb("B1-neg", "NODE voice & verification callback tests", "app-key", "app-secret", "POST", "/webhook",
   B1_H + [["authorization", "Application app-key:invalid-signature"]], A3_BODY, None, bad("bad_signature"), tolerance=None)
for id, auth, exp in [
    ("B2-basic-raw", "Basic app-key:app-secret", VALID),
    ("B2-basic-wrong-secret", "Basic app-key:wrong-app-secret", bad("bad_signature")),
    ("B2-basic-no-colon", "Basic app-keyapp-secret", bad("malformed_header")),
    ("B2-unknown-scheme", "Unknown app-key:p7hUz20oz16Fhfogs4Z0X+VA/Nhuu505I1alXYqwlKw=", bad("unsupported_scheme")),
    ("B2-two-spaces", "Application  app-key:app-secret", bad("malformed_header")),
    ("B2-no-colon", "Application app-keyapp-secret", bad("malformed_header")),
    ("basic-rfc7617", "Basic " + base64.b64encode(b"app-key:app-secret").decode(), VALID),
    ("basic-rfc7617-wrong-key", "Basic " + base64.b64encode(b"other-key:app-secret").decode(), bad("key_mismatch")),
]:
    cb(id, "NODE authorization.helper.test.ts (Basic / malformed headers)" if id.startswith("B2") else "RFC 7617 Basic callbacks", "app-key", "app-secret", "POST", "/webhook",
       B1_H + [["authorization", auth]], A3_BODY, None, exp, tolerance=None)
B3_H = [["content-type", "application/json; charset=UTF-8"], ["x-timestamp", "2023-11-22T09:10:11.999Z"]]
B3_NOW = iso("2023-11-22T09:10:11.999Z")
for id, auth, exp in [
    ("B3", "application my-key-id:QP3OzQZVzRZAEev6DBLvJkgpiqyZPuXYsc7oyjUV0K8=", VALID),
    ("B3-bad-keyword", "a bad keyword my-key-id:QP3OzQZVzRZAEev6DBLvJkgpiqyZPuXYsc7oyjUV0K8=", bad()),
    ("B3-bad-key", "application  a bad key:QP3OzQZVzRZAEev6DBLvJkgpiqyZPuXYsc7oyjUV0K8=", bad()),
    ("B3-bad-hash", "application my-key-id:a bad hash value", bad()),
    ("B3-other-key", "application other-key:QP3OzQZVzRZAEev6DBLvJkgpiqyZPuXYsc7oyjUV0K8=", bad("key_mismatch")),
]:
    cb(id, "JAVA ApplicationAuthManagerTest.java", "my-key-id", "bXkta2V5LXNlY3JldA==", "POST", "/path/pathParamValue",
       B3_H + [["authorization", auth]], A1_BODY, B3_NOW, exp)
B4_H = [["content-type", "application/json; charset=utf-8"], ["x-timestamp", "2023-12-01T15:01:20.0406449Z"]]
B4_NOW = iso("2023-12-01T15:01:20.0406449Z")
assert app_sig("9876543210", sts("POST", B4_BODY.encode(), "application/json; charset=utf-8", "2023-12-01T15:01:20.0406449Z", "/VerificationRequestEvent")) == "xfKhO0XvlRNJraahUBEJzzi1f3Fn3pYO41/ZzwOHPaQ="
assert md5b64(B4_BODY.encode()) == "COfYO/MKetfU00r0d5TxkA=="
cb("B4", "JAVA verification SinchEventsServiceTest.java", "789", "9876543210", "POST", "/VerificationRequestEvent",
   B4_H + [["authorization", "application 789:xfKhO0XvlRNJraahUBEJzzi1f3Fn3pYO41/ZzwOHPaQ="]], B4_BODY, B4_NOW, VALID)
cb("B4-empty-auth", "JAVA verification SinchEventsServiceTest.java", "789", "9876543210", "POST", "/VerificationRequestEvent",
   B4_H + [["authorization", ""]], B4_BODY, B4_NOW, bad("malformed_header"))
cb("B4-no-auth", "JAVA verification SinchEventsServiceTest.java", "789", "9876543210", "POST", "/VerificationRequestEvent",
   B4_H, B4_BODY, B4_NOW, bad("missing_header"))
B5_NOW = iso("2014-09-24T10:59:41Z")
def b5(id, exp, sig="Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4=", method="POST", path="/sinch/callback/ace", ts="2014-09-24T10:59:41Z",
       ct="application/json", body=B5_BODY, scheme="application", auth=True, now=B5_NOW, note=None):
    h = [["x-timestamp", ts], ["content-type", ct]]
    if auth: h.append(["authorization", f"{scheme} {B5_KEY}:{sig}"])
    cb(id, "NET AuthenticationHeaderValidationTests.cs (= Voice callback docs)", B5_KEY, "BeIukql3pTKJ8RGL5zo0DA==", method, path, h, body, now, exp, note=note)
b5("B5", VALID)
b5("B5-capital-scheme", VALID, scheme="Application", note="sinch-auth accepts both casings of the scheme")
b5("B5-wrong-signature", bad("bad_signature"), sig="bdJO/XUVvIsb5SlZAKmvfw==")
b5("B5-no-auth", bad("missing_header"), auth=False)
b5("B5-other-path", bad("bad_signature"), path="/not/that/path")
b5("B5-other-path-signed", VALID, path="/not/that/path", sig="ygAcKGKDSDx9Mc26XieFNhD0TJGJSo+6GUrqS379nNw=")
b5("B5-get", bad("bad_signature"), method="GET")
b5("B5-get-signed", VALID, method="GET", sig="1VbG2+ckhFJOt6rYATzK9vVH65j+Cpvx/CRKiM437J4=")
b5("B5-other-timestamp", bad("bad_signature"), ts="2019-11-03T10:59:41Z")
b5("B5-other-timestamp-and-type", bad("bad_signature"), ts="2019-11-03T10:59:41Z", ct="text/html")
b5("B5-other-body", bad("bad_signature"), body='{"hello":"world"}')
b5("B5-scheme-authorization", bad("unsupported_scheme"), scheme="authorization")
b5("B5-stale", bad("stale_timestamp"), now=B5_NOW + 301, note="a valid signature 301 s after its x-timestamp, default tolerance 300 s")
b5("B5-future", bad("future_timestamp"), now=B5_NOW - 301)
b5("B5-within-tolerance", VALID, now=B5_NOW + 299)
dump("application_callbacks.json", app_cb, "Inbound Voice/Verification callbacks (spec 5.B). Verify with app_key/app_secret, method, path, headers (name/value pairs, any case), raw body; now = epoch seconds (null: system clock); tolerance = seconds, \"default\" (300) or null (freshness off). expect.valid, and for failures kind and (where given) reason.")

# ---- conversation / sms
conv = []
def conv_sig(secret, body, nonce, ts):
    return base64.b64encode(hmac.new(secret.encode(), body + b"." + nonce.encode() + b"." + ts.encode(), hashlib.sha256).digest()).decode()
def cv(id, source, secret, body, nonce, ts, sig, exp, alg="HmacSHA256", drop=(), now="ts", tolerance="default", body_file=None, extra=None, note=None):
    h = [["x-sinch-webhook-signature", sig], ["x-sinch-webhook-signature-nonce", nonce], ["x-sinch-webhook-signature-timestamp", ts]]
    if alg is not None: h.append(["x-sinch-webhook-signature-algorithm", alg])
    h = [x for x in h if x[0] not in drop] + (extra or [])
    c = dict(id=id, source=source, secret=secret, headers=h, now=(int(ts) if now == "ts" else now), tolerance=tolerance, expect=exp)
    if body_file: c["body_file"] = body_file
    else: c["body"] = body
    if note: c["note"] = note
    conv.append(c)
C1_BODY = '{"app_id":"","accepted_time":"2021-10-18T17:49:13.813615Z","project_id":"e2df3a34-a71b-4448-9db5-a8d2baad28e4","contact_create_notification":{"contact":{"id":"01FJA8B466Y0R2GNXD78MD9SM1","channel_identities":[{"channel":"SMS","identity":"48123456789","app_id":""}],"display_name":"New Test Contact","email":"new.contact@email.com","external_id":"","metadata":"","language":"EN_US"}},"message_metadata":""}'
N, T = "01FJA8B4A7BM43YGWSG9GBV067", "1634579353"
C1 = "6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE="
assert conv_sig("foo_secret1234", C1_BODY.encode(), N, T) == C1
S = "NODE authorization.helper.test.ts; JAVA HmacAuthenticationValidationTest.java; NET WebhooksTests.cs"
cv("C1", S, "foo_secret1234", C1_BODY, N, T, C1, VALID)
cv("C1-wrong-secret", S, "not expected secret", C1_BODY, N, T, C1, bad("bad_signature"))
cv("C1-wrong-body", S, "foo_secret1234", "not expected body", N, T, C1, bad("bad_signature"))
cv("C1-no-signature", S, "foo_secret1234", C1_BODY, N, T, C1, bad("missing_header"), drop=("x-sinch-webhook-signature",))
cv("C1-no-nonce", S, "foo_secret1234", C1_BODY, N, T, C1, bad("missing_header"), drop=("x-sinch-webhook-signature-nonce",))
cv("C1-no-timestamp", S, "foo_secret1234", C1_BODY, N, T, C1, bad("missing_header"), drop=("x-sinch-webhook-signature-timestamp",))
cv("C1-no-algorithm", S, "foo_secret1234", C1_BODY, N, T, C1, VALID, alg=None, note="JAVA rejects a missing algorithm header; NODE, PY and NET ignore it, and so does sinch-auth")
cv("C1-other-algorithm", "sinch-auth: only HmacSHA256 is accepted", "foo_secret1234", C1_BODY, N, T, C1, bad("unsupported_algorithm"), alg="HmacSHA1")
cv("C1-no-secret", S, "", C1_BODY, N, T, C1, bad(kind="config"))
cv("C1-invalid-signature", S, "foo_secret1234", C1_BODY, N, T, "invalid-signature", bad("bad_signature"))
cv("C1-no-headers", S, "foo_secret1234", C1_BODY, N, T, C1, bad("missing_header"), drop=("x-sinch-webhook-signature", "x-sinch-webhook-signature-nonce", "x-sinch-webhook-signature-timestamp", "x-sinch-webhook-signature-algorithm"))
cv("C1-upper-case-names", "headers are case-insensitive", "foo_secret1234", C1_BODY, N, T, C1, VALID, alg=None, drop=("x-sinch-webhook-signature", "x-sinch-webhook-signature-nonce", "x-sinch-webhook-signature-timestamp"),
   extra=[["X-Sinch-Webhook-Signature", C1], ["X-SINCH-WEBHOOK-SIGNATURE-NONCE", N], ["X-Sinch-Webhook-Signature-Timestamp", T]])
cv("C1-stale", "freshness (sinch-auth)", "foo_secret1234", C1_BODY, N, T, C1, bad("stale_timestamp"), now=int(T) + 3600)
cv("C1-future", "freshness (sinch-auth)", "foo_secret1234", C1_BODY, N, T, C1, bad("future_timestamp"), now=int(T) - 3600)
cv("C1-freshness-off", "freshness (sinch-auth)", "foo_secret1234", C1_BODY, N, T, C1, VALID, now=int(T) + 10**6, tolerance=None)
cv("C1-bad-timestamp", "sinch-auth: the timestamp header must be Unix seconds", "foo_secret1234", C1_BODY, N, "2021-10-18", conv_sig("foo_secret1234", C1_BODY.encode(), N, "2021-10-18"), bad("malformed_header"), now=int(T))
C3_BODY = '{"at":"2025-01-13T09:22:40.914Z","batch_id":"01JHFFHQ0P99JPPNQPJDV7JTBP","client_reference":"a client reference","code":0,"operator_status_at":"2025-01-13T09:22:00Z","recipient":"33662162466","status":"Delivered","type":"recipient_delivery_report_sms"}'
C3 = "ZoHei66PPN/kZjw7hFVfGhJOnml3iGNCMWoyQVcE5o0="
assert conv_sig("SMSWebhooksSecret", C3_BODY.encode(), "01JHFFHWYY7HSS4FWTMDTQEK8V", "1736760161") == C3
cv("C3", "NODE sms callbacks-webhook.test.ts; JAVA sms SinchEventsServiceTest.java", "SMSWebhooksSecret", C3_BODY, "01JHFFHWYY7HSS4FWTMDTQEK8V", "1736760161", C3, VALID)
cv("C3-no-secret", "NODE sms callbacks-webhook.test.ts", "", C3_BODY, "01JHFFHWYY7HSS4FWTMDTQEK8V", "1736760161", C3, bad(kind="config"))
cv("C3-invalid-signature", "NODE sms callbacks-webhook.test.ts", "SMSWebhooksSecret", C3_BODY, "01JHFFHWYY7HSS4FWTMDTQEK8V", "1736760161", "invalid-signature", bad("bad_signature"))
C4_TEXT = '''{
    "app_id": "01W4FFL35P4NC4K35CONVAPP01",
    "event_time": "2024-06-06T14:42:42.379863404Z",
    "project_id": "tinyfrog-jump-high-over-lilypadbasin",
    "event": {
        "direction": "TO_APP",
        "contact_event": {
            "composing_event": {}
        },
        "id": "01W4FFL35P4NC4K35EVENT0001",
        "conversation_id": "01W4FFL35P4NC4K35CONVERS01",
        "contact_id": "01W4FFL35P4NC4K35CONTACT01",
        "channel_identity": {
            "channel": "RCS",
            "identity": "12015555555",
            "app_id": ""
        },
        "accept_time": "2024-06-06T14:42:42.429455346Z",
        "processing_mode": "CONVERSATION"
    },
    "message_metadata": "",
    "correlation_id": ""
}
'''.encode()
assert len(C4_TEXT) == 723 and hashlib.sha256(C4_TEXT).hexdigest() == "beeace2719dd18b69f875cc1928f4f6577bc1d4c8b050acc5c1da8f0571e7b2f"
open(os.path.join(OUT, "bodies", "conversation_multiline.json"), "wb").write(C4_TEXT)
open(os.path.join(OUT, "bodies", "conversation_multiline_no_final_newline.json"), "wb").write(C4_TEXT[:-1])
assert conv_sig("foo_secret1234", C4_TEXT, N, T) == "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo="
assert conv_sig("foo_secret1234", C4_TEXT[:-1], N, T) == "zM65Zo1IpiWXTsz1f2qE39IZlmh8UaYV6KEiGuOVy5U="
cv("C4", "NET WebhooksTests.cs ValidateMultiLinePayloadRequest", "foo_secret1234", None, N, T, "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo=", VALID, body_file="bodies/conversation_multiline.json")
cv("C4-no-final-newline", "spec 5.C C4 (the body must be byte-exact)", "foo_secret1234", None, N, T, "zM65Zo1IpiWXTsz1f2qE39IZlmh8UaYV6KEiGuOVy5U=", VALID, body_file="bodies/conversation_multiline_no_final_newline.json")
cv("C4-newline-mismatch", "spec 5.C C4", "foo_secret1234", None, N, T, "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo=", bad("bad_signature"), body_file="bodies/conversation_multiline_no_final_newline.json")
cv("C4-wrong-secret", "NET WebhooksTests.cs", "wrong_secret", None, N, T, "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo=", bad("bad_signature"), body_file="bodies/conversation_multiline.json")
C5_BODY = '{"app_id":"01EB37HMH1M6SV18BSNS3G135H","accepted_time":"2020-11-17T15:09:11.659Z","project_id":"c36f3d3d-1513-2edd-ae42-11995557ff61","message_delivery_report":{"message_id":"01EQBC1A3BEK731GY4YXEN0C2R","conversation_id":"01EPYATA64TMNZ1FV02JKF12JF","status":"QUEUED_ON_CHANNEL","contact_id":"01EXA07N79THJ20WSN6AS30TMW"}}'
C5 = "Yc+3R1pIS78xLASybulhs8BsSo9BPB3Pr92QCUoczfk="
assert conv_sig("foo_secret1234", C5_BODY.encode(), N, T) == C5
PS = "PY test_conversation_sinch_event.py"
cv("C5", PS, "foo_secret1234", C5_BODY, N, T, C5, VALID)
cv("C5-invalid", PS, "foo_secret1234", C5_BODY, N, T, "invalid", bad("bad_signature"))
dump("conversation_webhooks.json", conv, "Conversation API and SMS webhooks (spec 5.C): Base64 HMAC-SHA256 of body.nonce.timestamp with the UTF-8 secret. body is the exact text, or body_file names a file beside this one whose bytes are the body. now = epoch seconds; tolerance as in application_callbacks.json.")

# ---- numbers
nums = []
NB1 = '{"eventId":"01hpa0mww4m79q8j2dwn3ggbgz","timestamp":"2024-02-10T17:22:09.412722588","projectId":"37b62a7b-0177-abcd-efgh-e10f848de123","resourceId":"+17818510001","resourceType":"ACTIVE_NUMBER","eventType":"DEPROVISIONING_FROM_VOICE_PLATFORM","status":"SUCCEEDED","failureCode":null}'
D3_BODY = '{"eventId":"01j3fycq0fyqq3gkgxb0g5ekbz","timestamp":"2024-07-23T14:02:14.415637289","projectId":"b8bae3c6-e7df-422b-9401-8ae3ee3e0aff","resourceId":"+12053017799","resourceType":"ACTIVE_NUMBER","eventType":"PROVISIONING_TO_VOICE_PLATFORM","status":"SUCCEEDED","failureCode":null}'
D4_BODY = '{"eventId":"event_id","timestamp":"2025-04-08T10:38:04.854087603","projectId":"project-id","resourceId":"+1234567890","resourceType":"ACTIVE_NUMBER","eventType":"PROVISIONING_TO_VOICE_PLATFORM","status":"SUCCEEDED","failureCode":null,"internalFailureCode":null}'
D5_BODY = '{"eventId":"01jr7stexp0znky34pj07dwp41","timestamp":"2025-04-07T09:38:04.85408760","projectId":"project-id","resourceId":"+1234567890","resourceType":"ACTIVE_NUMBER","eventType":"PROVISIONING_TO_VOICE_PLATFORM","status":"SUCCEEDED","failureCode":null,"internalFailureCode":null}'
def nsig(secret, body): return hmac.new(secret.encode(), body.encode(), hashlib.sha1).hexdigest()
for sec, body, want in [("my-callback-secret", NB1, "b93021e0182c2772dbcdf4e8983ae8f409e78c3b"), ("callback-secret", NB1, "dcf80daac2f232f4b23d5f719db3aa0fdca6af43"),
                        ("secret value", D3_BODY, "e289b8fac44491417aeceee28d2715840b5f1aca"), ("my-callback-secret", D4_BODY, "d2107528d5d52897a97dc6e24e09a208036ccd83"),
                        ("my-callback-secret", D5_BODY, "8e58baa351ffa5e0d7eaef3c739d0d7aa6093da3")]:
    assert nsig(sec, body) == want, want
def nm(id, source, secret, body, headers, exp, note=None):
    c = dict(id=id, source=source, secret=secret, headers=headers, body=body, expect=exp)
    if note: c["note"] = note
    nums.append(c)
D1S, D2S, D3S = "NODE authorization.helper.test.ts", "NODE numbers callbacks-webhook.test.ts; NET HeaderValidationTests.cs", "JAVA numbers SinchEventsAuthenticationValidationTest.java"
nm("D1", D1S, "my-callback-secret", NB1, [["X-Sinch-Signature", "b93021e0182c2772dbcdf4e8983ae8f409e78c3b"]], VALID)
nm("D1-upper-hex", "sinch-auth: either hex case", "my-callback-secret", NB1, [["X-Sinch-Signature", "B93021E0182C2772DBCDF4E8983AE8F409E78C3B"]], VALID)
nm("D1-no-header", D1S, "my-callback-secret", NB1, [], bad("missing_header"))
nm("D1-invalid", D1S, "my-callback-secret", NB1, [["X-Sinch-Signature", "invalid-signature"]], bad("malformed_header"))
nm("D2", D2S, "callback-secret", NB1, [["X-Sinch-Signature", "dcf80daac2f232f4b23d5f719db3aa0fdca6af43"]], VALID)
nm("D2-empty-secret", D2S, "", NB1, [["X-Sinch-Signature", "dcf80daac2f232f4b23d5f719db3aa0fdca6af43"]], bad(kind="config"))
nm("D2-empty-header", D2S, "callback-secret", NB1, [["X-Sinch-Signature", ""]], bad("bad_signature"))
nm("D2-empty-body", D2S, "callback-secret", "", [["X-Sinch-Signature", "dcf80daac2f232f4b23d5f719db3aa0fdca6af43"]], bad("bad_signature"))
nm("D3", D3S, "secret value", D3_BODY, [["x-sinch-signature", "e289b8fac44491417aeceee28d2715840b5f1aca"]], VALID)
nm("D3-capitalised-name", D3S, "secret value", D3_BODY, [["X-Sinch-Signature", "e289b8fac44491417aeceee28d2715840b5f1aca"]], VALID)
nm("D3-wrong-secret", D3S, "not expected secret", D3_BODY, [["x-sinch-signature", "e289b8fac44491417aeceee28d2715840b5f1aca"]], bad("bad_signature"))
nm("D3-wrong-body", D3S, "secret value", "not expected body", [["x-sinch-signature", "e289b8fac44491417aeceee28d2715840b5f1aca"]], bad("bad_signature"))
nm("D3-no-header", D3S, "secret value", D3_BODY, [], bad("missing_header"))
nm("D3-empty-secret", D3S, "", D3_BODY, [["x-sinch-signature", "e289b8fac44491417aeceee28d2715840b5f1aca"]], bad(kind="config"))
nm("D4", "PY test_authentication_validation.py", "my-callback-secret", D4_BODY, [["X-Sinch-Signature", "d2107528d5d52897a97dc6e24e09a208036ccd83"]], VALID)
nm("D4-no-headers", "PY test_authentication_validation.py", "my-callback-secret", D4_BODY, [], bad("missing_header"))
nm("D4-invalid", "PY test_authentication_validation.py", "my-callback-secret", D4_BODY, [["X-Sinch-Signature", "invalid-signature"]], bad())
nm("D5", "PY test_number_sinch_event.py", "my-callback-secret", D5_BODY, [["X-Sinch-Signature", "8e58baa351ffa5e0d7eaef3c739d0d7aa6093da3"]], VALID)
dump("numbers_callbacks.json", nums, "Numbers API callbacks (spec 5.D): X-Sinch-Signature = hex HMAC-SHA1(UTF-8 secret, raw body).")

# ---- mailgun
mg = []
MK, MT, MTOK = "key-abc123", "1770920772", "e0b5477167110d68991efc6b9f89f0a11066af27834600e123"
MS = "66f55a9b2568769b4f356392effeacd7d88903e29149221ff2c69d0d22842358"
assert hmac.new(MK.encode(), (MT + MTOK).encode(), hashlib.sha256).hexdigest() == MS
def mgc(id, exp, key=MK, ts=MT, token=MTOK, sig=MS, now=int(MT), tolerance="default", ts_as_int=False, source="spec 5.G (self-made example)"):
    mg.append(dict(id=id, source=source, signing_key=key, timestamp=(int(ts) if ts_as_int else ts), token=token, signature=sig, now=now, tolerance=tolerance, expect=exp))
mgc("G-mailgun", VALID)
mgc("G-mailgun-int-timestamp", VALID, ts_as_int=True, source="timestamp given as an integer")
mgc("G-mailgun-upper-hex", VALID, sig=MS.upper())
mgc("G-mailgun-wrong-key", bad("bad_signature"), key="key-other")
mgc("G-mailgun-other-token", bad("bad_signature"), token=MTOK[:-1] + "4")
mgc("G-mailgun-other-timestamp", bad("bad_signature"), ts="1770920773")
mgc("G-mailgun-not-hex", bad("malformed_header"), sig="zz" * 32)
mgc("G-mailgun-bad-timestamp", bad("malformed_header"), ts="yesterday")
mgc("G-mailgun-stale", bad("stale_timestamp"), now=int(MT) + 301)
mgc("G-mailgun-future", bad("future_timestamp"), now=int(MT) - 301)
mgc("G-mailgun-no-key", bad(kind="config"), key="")
dump("mailgun_webhooks.json", mg, "Mailgun webhooks (spec 3.6, 5.G): hex HMAC-SHA256(signing_key, timestamp + token). timestamp is a string or an integer.")

# ---- receivers: one shape for every product, secret rotation, proxies (sinch-auth's own rules)
rcv = []
RK1, RS1 = "669E367E-6BBA-48AB-AF15-266871C28135", "BeIukql3pTKJ8RGL5zo0DA=="
RS2 = "bmV3LXNlY3JldC1hZnRlci1yb3RhdGlvbg=="
RTS, RNOW = "2026-11-30T12:00:00.000Z", 1796040000
assert iso(RTS) == RNOW
RBODY = '{"event":"ice","callid":"c1"}'
def app_delivery(key, secret, path, body=RBODY, ts=RTS, ct="application/json; charset=utf-8"):
    sig = app_sig(secret, sts("POST", body.encode(), ct, ts, path))
    return [["Content-Type", ct], ["x-timestamp", ts], ["Authorization", f"Application {key}:{sig}"]]
def rc(id, product, secrets, path, headers, body, expect, options=None, repeat=1, note=None, now=RNOW, method="POST"):
    c = dict(id=id, source="sinch-auth rules (issue 17)", product=product, secrets=secrets, options=options or {},
             method=method, path=path, headers=headers, body=body, now=now, repeat=repeat, expect=expect)
    if note: c["note"] = note
    rcv.append(c)
def ok(i, **more): return dict({"valid": True, "secret_index": i}, **more)
APPS = [{"app_key": RK1, "app_secret": RS2}, {"app_key": RK1, "app_secret": RS1}]
rc("R-app-rotation-new", "voice", APPS, "/voice", app_delivery(RK1, RS2, "/voice"), RBODY, ok(0, signed_path="/voice"))
rc("R-app-rotation-old", "voice", APPS, "/voice", app_delivery(RK1, RS1, "/voice"), RBODY, ok(1, signed_path="/voice"),
   note="an old secret still matches during a rotation; secret_index says which")
rc("R-app-rotation-neither", "verification", APPS, "/voice", app_delivery(RK1, "b3RoZXI=", "/voice"), RBODY, bad("bad_signature"))
rc("R-app-other-key", "voice", APPS[:1], "/voice", app_delivery("other-app", RS2, "/voice"), RBODY, bad("key_mismatch"))
rc("R-app-prefix-add", "voice", APPS, "/voice", app_delivery(RK1, RS1, "/sinch/voice"), RBODY,
   ok(1, signed_path="/sinch/voice"), options={"public_path": {"strip": "", "add": "/sinch"}},
   note="a proxy took /sinch off the path Sinch called")
rc("R-app-prefix-missing", "voice", APPS, "/voice", app_delivery(RK1, RS1, "/sinch/voice"), RBODY, bad("bad_signature"),
   note="the same delivery without the mapping: the signature covers /sinch/voice")
rc("R-app-prefix-replace", "voice", APPS, "/internal/voice?x=1", app_delivery(RK1, RS1, "/public/voice"), RBODY,
   ok(1, signed_path="/public/voice?x=1"), options={"public_path": {"strip": "/internal", "add": "/public"}},
   note="the query is not signed (application signing covers the path only)")
rc("R-app-fixed-path", "voice", APPS, "/anything", app_delivery(RK1, RS1, "/hooks/sinch"), RBODY,
   ok(1, signed_path="/hooks/sinch"), options={"public_path": {"fixed": "/hooks/sinch"}})
FWD = app_delivery(RK1, RS1, "/sinch/voice") + [["X-Forwarded-Prefix", "/sinch"], ["X-Forwarded-Proto", "https"], ["X-Forwarded-Host", "hooks.example.com"]]
rc("R-app-forwarded-trusted", "voice", APPS, "/voice", FWD, RBODY,
   ok(1, signed_path="/sinch/voice", public_url="https://hooks.example.com/sinch/voice"), options={"trust_forwarded": True})
rc("R-app-forwarded-untrusted", "voice", APPS, "/voice", FWD, RBODY, bad("bad_signature"),
   note="X-Forwarded-* are ignored unless the proxy is trusted: anyone can send them")
rc("R-app-forwarded-rfc7239", "voice", APPS, "/voice", app_delivery(RK1, RS1, "/voice") + [["Forwarded", 'for=1.2.3.4;proto=https;host="hooks.example.com"']], RBODY,
   ok(1, signed_path="/voice", public_url="https://hooks.example.com/voice"), options={"trust_forwarded": True})
rc("R-app-stale-under-old-secret", "voice", APPS, "/voice", app_delivery(RK1, RS1, "/voice"), RBODY, bad("stale_timestamp"), now=RNOW + 301)
rc("R-app-replayed", "voice", APPS, "/voice", app_delivery(RK1, RS1, "/voice"), RBODY, bad("replayed"),
   options={"replay_guard": True}, repeat=2, note="expect is for the last of `repeat` identical deliveries; the first is accepted")
rc("R-app-secret-string", "voice", ["a-string"], "/voice", app_delivery(RK1, RS1, "/voice"), RBODY, bad(kind="config"),
   note="voice needs application credentials, not a secret string")
CNEW, COLD, CNONCE, CTS = "whsec-new", "whsec-old", "01NONCE", str(RNOW)
CBODY = '{"app_id":"01APP","message_delivery_report":{"status":"DELIVERED"}}'
def conv_headers(secret, nonce=CNONCE, ts=CTS, body=CBODY):
    sig = base64.b64encode(hmac.new(secret.encode(), f"{body}.{nonce}.{ts}".encode(), hashlib.sha256).digest()).decode()
    return [["x-sinch-webhook-signature", sig], ["x-sinch-webhook-signature-nonce", nonce], ["x-sinch-webhook-signature-timestamp", ts], ["content-type", "application/json"]]
rc("R-conv-rotation-new", "conversation", [CNEW, COLD], "/conv", conv_headers(CNEW), CBODY, ok(0))
rc("R-conv-rotation-old", "conversation", [CNEW, COLD], "/conv", conv_headers(COLD), CBODY, ok(1))
rc("R-conv-neither", "conversation", [CNEW, COLD], "/conv", conv_headers("whsec-other"), CBODY, bad("bad_signature"))
rc("R-sms-old", "sms", [CNEW, COLD], "/sms", conv_headers(COLD), CBODY, ok(1))
rc("R-conv-replayed-nonce", "conversation", [CNEW], "/conv", conv_headers(CNEW), CBODY, bad("replayed"), options={"replay_guard": True}, repeat=2)
rc("R-conv-no-replay-guard-by-default", "conversation", [CNEW], "/conv", conv_headers(CNEW), CBODY, ok(0), repeat=2)
rc("R-conv-missing-header", "conversation", [CNEW], "/conv", conv_headers(CNEW)[1:], CBODY, bad("missing_header"))
NBODY = '{"eventType":"PROVISIONING_TO_SMS_PLATFORM","status":"SUCCEEDED"}'
def num_headers(secret): return [["X-Sinch-Signature", hmac.new(secret.encode(), NBODY.encode(), hashlib.sha1).hexdigest()]]
rc("R-numbers-rotation-old", "numbers", ["hmac-new", "hmac-old"], "/numbers", num_headers("hmac-old"), NBODY, ok(1))
rc("R-numbers-replay-guard-refused", "numbers", ["hmac-new"], "/numbers", num_headers("hmac-new"), NBODY, bad(kind="config"),
   options={"replay_guard": True}, note="Numbers callbacks have no nonce or timestamp: a guard could not tell a replay from a retry")
MGK_NEW = "signing-key-new"
def mg_sig(key, ts=MT, token=MTOK): return hmac.new(key.encode(), (ts + token).encode(), hashlib.sha256).hexdigest()
MG_JSON = json.dumps({"signature": {"timestamp": MT, "token": MTOK, "signature": MS}, "event-data": {"event": "delivered"}}, separators=(",", ":"))
rc("R-mailgun-json-rotation-old", "mailgun", [MGK_NEW, MK], "/mg", [["Content-Type", "application/json"]], MG_JSON, ok(1), now=int(MT))
MG_FORM = f"token={MTOK}&timestamp={MT}&signature={mg_sig(MGK_NEW)}&event=delivered&recipient=a%40example.com"
rc("R-mailgun-form", "mailgun", [MGK_NEW], "/mg", [["Content-Type", "application/x-www-form-urlencoded"]], MG_FORM, ok(0), now=int(MT))
rc("R-mailgun-replayed-by-default", "mailgun", [MGK_NEW], "/mg", [["Content-Type", "application/x-www-form-urlencoded"]], MG_FORM, bad("replayed"),
   now=int(MT), repeat=2, note="the Mailgun receiver has a replay guard unless it is turned off")
rc("R-mailgun-api-key", "mailgun", ["0123456789abcdef0123456789abcdef-0123abcd-4567ef01"], "/mg", [["Content-Type", "application/json"]], MG_JSON, bad(kind="config"),
   now=int(MT), note="an API key-shaped value: the error says to use the webhook signing key")
MG_MULTI = (f'--XyZ\r\nContent-Disposition: form-data; name="timestamp"\r\n\r\n{MT}\r\n'
            f'--XyZ\r\nContent-Disposition: form-data; name="token"\r\n\r\n{MTOK}\r\n'
            f'--XyZ\r\nContent-Disposition: form-data; name="attachment-1"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n'
            f'--XyZ\r\nContent-Disposition: form-data; name="signature"\r\n\r\n{MS}\r\n--XyZ--\r\n')
rc("R-mailgun-multipart", "mailgun", [MK], "/mg", [["Content-Type", "multipart/form-data; boundary=XyZ"]], MG_MULTI, ok(0), now=int(MT),
   note="an inbound route's post with an attachment: the three signed fields are read, the attachment skipped")
rc("R-numbers-got-conversation", "numbers", ["hmac-new"], "/numbers", conv_headers(CNEW), CBODY, bad("missing_header"),
   note="a Conversation webhook sent to a Numbers receiver: the message says whose headers these are")
rc("R-mailgun-no-signature-object", "mailgun", [MK], "/mg", [["Content-Type", "application/json"]], '{"event-data":{}}', bad("missing_header"), now=int(MT))
dump("webhook_receivers.json", rcv, "WebhookReceiver: product, secrets (strings, or app_key/app_secret pairs for voice and verification; several for a rotation), options (public_path {strip, add} or {fixed}, trust_forwarded, replay_guard true/false), and a delivery (method, path as received, headers, body, now). The same delivery is verified `repeat` times by one receiver; `expect` is for the last: valid with secret_index (and signed_path, public_url when given), or the error kind and reason.")

# ---- basic
basic = [
    dict(id="E3", source="JAVA BasicAuthManagerTest.java", user="fooKey", password="fooSecret", expected="Basic Zm9vS2V5OmZvb1NlY3JldA=="),
    dict(id="E1", source="NET AuthTests.cs (token request header)", user="mock_key_id", password="mock_key_secret", expected="Basic bW9ja19rZXlfaWQ6bW9ja19rZXlfc2VjcmV0"),
    dict(id="mailgun", source="spec 4 (Mailgun: user api)", user="api", password="key-1", expected="Basic YXBpOmtleS0x"),
    dict(id="utf8", source="RFC 7617 UTF-8", user="ü", password="é", expected="Basic w7w6w6k="),
]
for b in basic:
    assert "Basic " + base64.b64encode(f"{b['user']}:{b['password']}".encode()).decode() == b["expected"]
dump("basic_auth.json", basic, "Basic Authorization headers: Basic base64(user:password), UTF-8.")
print("ok", len(signing), len(primitives), len(app_cb), len(conv), len(nums), len(mg), len(rcv), len(basic))
