#!/usr/bin/env python3
"""Writes the named seed inputs of the fuzz corpus (test/fuzz/corpus/<target>/seed-*) from the
stand-ins' data and the example config. `make fuzz` adds hash-named inputs beside them.
Run from the repository root: python3 test/fuzz/seeds.py"""
import base64
import bz2
import gzip
import io
import os
import subprocess
import sys
import zipfile

sys.path.insert(0, "test/standins")
import cake_data  # noqa: E402
import cake_server  # noqa: E402

CORPUS = "test/fuzz/corpus"


def seed(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(CORPUS, target, "seed-" + name), "wb") as f:
        f.write(data)


def cake_replies():
    data = cake_data.Dataset(7, 3, 2)
    start, end = 1452470400000, 1452470400000 + 3600 * 1000 * 2
    for report in cake_data.REPORTS:
        total, rows = data.rows(report, start, end, 0, 2)
        doc = {"d": {"__type": cake_server.TYPE_NAME[report], "success": True, "message": None,
                     "row_count": total, cake_server.ROWS_KEY[report]: rows}}
        seed("cake_json", report, cake_server.encode(doc))
    seed("cake_json", "currencies", cake_server.encode(
        {"d": {"__type": "Cake.Get.CurrenciesResponse", "success": True, "message": None,
               "currencies": cake_data.CURRENCIES}}))
    seed("cake_json", "refused", cake_server.encode(
        {"d": {"__type": "Cake.Reports.ClickReportResponse", "success": False,
               "message": "Invalid API Key", "row_count": 0, "clicks": None}}))
    seed("cake_json", "aspnet-error", cake_server.encode(cake_server.aspnet_error("Bad")))
    seed("cake_json", "escapes", '\ufeff{"a":"caf\\u00e9 \\ud83d\\ude00 \\"q\\" \\\\ \\/ \\b\\f\\n'
         '\\r\\t","n":[-0.5e-3,1E+2,0,123456789012345678901234,1e400],"t":[true,false,null,{}]}')


def configs():
    with open("config/ferry.example.toml", encoding="utf-8") as f:
        seed("config_load", "example", f.read())
    seed("config_load", "full", """# every pipeline set up
[state]
dir = "state"
[log]
dir = "logs"
level = "debug"
[run]
max_time = "20m"
[alerts]
smtp_url = "smtps://mail.example.org:465"
to = ["ops@example.org", "dev@example.org"]
min_interval = "1h30m"
[s3.reports]
bucket = "reports"
endpoint = "http://127.0.0.1:4568"
prefix = "cake/"
path_style = true
[cake]
admin_url = "https://admin.example.com"
api_key = "k3y"
timezone = "America/New_York"
daily = true
daily_at = "02:15"
[mindtrails]
decrypt_threads = 2
[[mindtrails.server]]
name = "study"
url = "https://mt.example.org/api/export"
data_dir = "data/study"
exclude = ["audit"]
[[mindtrails.server]]
name = "other"
url = "https://mt2.example.org/api/"
data_dir = "data/other"
padding = "oaep"
""")
    seed("config_load", "syntax", 'a = "unterminated\n[[x]]\nb = 1979-05-27T07:32:00Z\n'
         'c = { d = [1, 2.5, "s", \'lit\'] }\n')


def s3_documents():
    seed("s3_xml", "list", """<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>reports</Name>
<Prefix>cake/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>
<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
<Contents><Key>cake/clicks/2016-01-11.csv.gz</Key><LastModified>2016-01-12T00:05:00.000Z</LastModified>
<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>4096</Size><StorageClass>STANDARD</StorageClass></Contents>
<Contents><Key>cake/a &amp; b &#x263A;<![CDATA[<c>]]></Key><Size>0</Size></Contents>
</ListBucketResult>""")
    seed("s3_xml", "error", """<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>
<BucketName>reports</BucketName><RequestId>4442587FB7D0A2F9</RequestId></Error>""")
    seed("s3_xml", "upload", """<?xml version="1.0" encoding="UTF-8"?>
<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<Bucket>reports</Bucket><Key>big.csv</Key><UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
</InitiateMultipartUploadResult>""")


def csvs():
    seed("csv", "mindtrails", 'id,participantId,date,question,answerRSA\r\n'
         '1,42,2016-01-11 00:05:00,"He said ""yes"", then left",aGVsbG8=\r\n'
         '2,43,,"two\nlines",\r\n')
    seed("csv", "cake", 'click_id,click_date,affiliate,price\r\n'
         '12,2016-01-11T00:05:00Z,"Acme, Inc.",0.50\r\n13,2016-01-11T00:06:00Z,caf\xc3\xa9,\r\n')
    seed("csv", "unterminated", 'a,"b\r\nc,d\r\n')
    seed("csv", "fields", b"one\x00two\x00\x01three\x00\"q\",\r\n\x01\x01")


def crypto():
    key = "build/fuzz/seed-key.pem"
    os.makedirs("build/fuzz", exist_ok=True)
    with open("test/fuzz/targets.cpp", encoding="utf-8") as f:
        text = f.read()
    pem = text[text.index("-----BEGIN PRIVATE KEY-----"):text.index("-----END PRIVATE KEY-----")]
    with open(key, "w", encoding="utf-8") as f:
        f.write(pem + "-----END PRIVATE KEY-----\n")
    for padding in ("pkcs1", "oaep"):
        cipher = subprocess.run(
            ["openssl", "pkeyutl", "-encrypt", "-inkey", key, "-pkeyopt",
             "rsa_padding_mode:" + padding], input=b"participant 98765", capture_output=True,
            check=True).stdout
        seed("rsa", padding, cipher)
        seed("rsa", padding + "-base64", base64.b64encode(cipher))
        seed("base64", padding + "-cell", base64.b64encode(cipher))
    os.remove(key)
    seed("base64", "short", "aGVsbG8=")
    seed("base64", "non-canonical", "aGVsbG9=")
    seed("base64", "bad", "aGV#bG8=")


def matomo_logs():
    clf = '203.0.113.5 - - [05/Mar/2015:13:55:36 -0800] "GET /a.html?x=1 HTTP/1.1" 200 2326'
    combined = clf + ' "http://example.org/" "Browser/1.0"'
    seed("matomo_log", "common", clf + "\n" + clf.replace("-0800", "+05:30") + "\n\n")
    seed("matomo_log", "combined", combined + "\n" + combined.replace("200 2326", "404 -") +
         '\n2001:db8::1 - bob [31/Feb/2015:10:00:00 +0000] "GET /x?- HTTP/1.0" 301 - "-" "curl/8"\n')
    seed("matomo_log", "vhost", "Example.ORG.:8080 " + clf + "\nexample.org " + combined + "\n")
    seed("matomo_log", "w3c", "#Software: IIS\n#Fields: date time c-ip cs-method cs-uri-stem "
         "cs-uri-query sc-status sc-bytes cs(User-Agent) cs(Referer) cs-host sc-win32-status "
         "time-taken\n2015-03-05 21:55:36.250 203.0.113.5 GET /a.html x=1 200 2326 Browser/1.0 "
         '- Example.org:80 0 15\n2015-03-05 21:55:37 ::1 GET /b - 404 - "Quoted Agent" - - 0 2\n'
         "#Fields: time date cs-uri-stem c-ip sc-status cs-username\n"
         "21:55:38 2015-03-05 /c.PDF 203.0.113.7 206 carol\n")
    seed("matomo_log", "s3", '79a5 www.example.com [05/Mar/2015:13:55:36 -0800] 203.0.113.5 '
         'arn:aws:iam::123:user/ann 3E57 REST.GET.OBJECT a.html "GET /a.html?x=1 HTTP/1.1" 200 - '
         '2326 4000 70 10 "http://example.org/" "Browser/1.0" - Ht1 SigV4\n')
    seed("matomo_log", "elb", '2015-03-05T21:55:36.945958Z my-lb 203.0.113.5:2817 10.0.0.1:80 '
         '0.000086 0.001048 0.001337 200 200 0 57 "GET https://www.example.com:443/p?x=1 HTTP/1.1" '
         '"Browser/1.0" DHE-RSA-AES128-SHA TLSv1.2\nhttps 2015-03-05T21:55:36.1Z app/a/b '
         '[2001:db8::7]:51234 - -1 -1 -1 503 - 225 0 "GET https://e.com:443/ HTTP/1.1" "B" c TLSv1.2\n')
    seed("matomo_log", "nginx_json", '{"ip":"203.0.113.5","host":"example.org","path":"/a?x=1",'
         '"status":"200","referrer":"-","user_agent":"Browser/1.0","length":512,'
         '"generation_time_milli":0.012,"date":"2015-03-05T13:55:36-08:00"}\n'
         '{"ip":"::1","path":"/caf\\xC3\\xA9","status":404,"user_agent":"A \\x22q\\x22 \\u00e9 '
         '\\ud83d\\ude00","x":{"a":[1,"\\""]},"date":"2015-03-05T21:55:36Z"}\n')
    seed("matomo_log", "bytes", b'1.2.3.4 - - [05/Mar/2015:13:55:36 +0000] "GET /\xff\x01\\" '
         b'HTTP/1.1" 500 1 "\xc3" "A\xed\xa0\x80\tB"\r\n')


def log_files():
    log = (b'203.0.113.5 - - [05/Mar/2015:13:55:36 -0800] "GET /a.html?x=1 HTTP/1.1" 200 2326\r\n'
           b'203.0.113.6 - - [05/Mar/2015:13:55:37 -0800] "GET /b.css HTTP/1.1" 304 -\n'
           b'\nlast line without newline')
    seed("log_reader", "plain", log)
    seed("log_reader", "gzip", gzip.compress(log, mtime=0))
    seed("log_reader", "gzip-two-members", gzip.compress(b"a\n", mtime=0) + gzip.compress(b"b", mtime=0))
    seed("log_reader", "gzip-cut", gzip.compress(log, mtime=0)[:60])
    seed("log_reader", "bzip2", bz2.compress(log))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("c.log", log), ("logs/", b""), ("a.log", b"x\n"), ("e.log", b"")):
            info = zipfile.ZipInfo(name, (2015, 3, 5, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    seed("log_reader", "zip", buf.getvalue())
    seed("log_reader", "zip-in-gzip", gzip.compress(buf.getvalue(), mtime=0))
    seed("log_reader", "zip-cut", buf.getvalue()[:-30])
    seed("log_reader", "zip-empty", b"PK\x05\x06" + b"\0" * 18)


if __name__ == "__main__":
    cake_replies()
    configs()
    s3_documents()
    csvs()
    crypto()
    matomo_logs()
    log_files()
