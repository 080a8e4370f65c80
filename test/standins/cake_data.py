"""Deterministic CAKE report rows for the stand-in (see cake_server.py and
shared/protocols/cake.md). Python 3 standard library only; nothing is written to disk.

Rows exist independently of any request: hour H (hours since 1970, UTC) holds a number of
clicks and of conversions drawn from Random(f"{seed}:{report}:{H}") around the configured
density (±25%), at instants drawn from the same generator, with ids H * 1_000_000 + i + 1 in
time order. Dense bursts added at run time (`add_burst`) hold extra rows spread over their own
range, with ids 9_000_000_000_000 + burst * 1_000_000 + i + 1. So a time range always yields
the same rows, and ids never repeat.

Row contents come from a generator seeded by the row id, so a row is the same in any slice:
nulls in nested objects and strings, both `/Date(ms)/` and `/Date(ms-0800)/` forms (the
suffix never changes the instant), non-ASCII text, commas, quotes and newlines in user agents
and URLs, an unknown currency id, amounts that JSON writes with an exponent, and fields
exporters must ignore.
"""

import random
import threading

HOUR_MS = 3600 * 1000
BURST_ID_BASE = 9_000_000_000_000
REPORTS = ("clicks", "conversions")

CURRENCIES = [
    {"currency_id": 1, "currency_symbol": "$", "currency_name": "US Dollar", "currency_abbr": "USD"},
    {"currency_id": 2, "currency_symbol": "€", "currency_name": "Euro", "currency_abbr": "EUR"},
    {"currency_id": 3, "currency_symbol": "£", "currency_name": "Pound", "currency_abbr": "GBP"},
    {"currency_id": 4, "currency_symbol": None, "currency_name": "Yen", "currency_abbr": "JPY"},
]

NAMES = ["Acme Media", "Café Ünïcødé", "日本語アフィリエイト", "Comma, Inc.", 'The "Quoted" Co',
         "Emoji 😀 Traffic", "Multi\nLine LLC", "Plain"]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/58.0.3029.110 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 10_3 like Mac OS X) AppleWebKit/603.1.30 "
    "(KHTML, like Gecko) Version/10.0 Mobile/14E277 Safari/602.1",
    'Agent "quoted", with comma',
    "Agent with\r\nnewline and ünïcødé",
    "Ωmega-Browser/1.0 (中文; ru-RU Привет)",
]
URLS = ["https://example.com/landing?a=1&b=2", "https://example.com/x?q=a,b,c",
        'https://example.com/"quoted"', "https://例え.jp/パス?キー=値", "https://example.com/line\nbreak",
        ""]
COUNTRIES = ["US", "GB", "DE", "JP", "BR", None]
REGIONS = ["New York", "Île-de-France", "東京都", "São Paulo", None]
OSES = [("Windows", "10", "0"), ("iOS", "10", "3"), ("Android", "7", "1"), ("Linux", None, None)]
BROWSERS = [("Chrome", "58", "0"), ("Safari", "10", "1"), ("Firefox", "53", None)]


def date_value(rng, ms):
    """ASP.NET's JSON date: plain or with the server's -0800 offset (same instant)."""
    return "/Date(%d%s)/" % (ms, "-0800" if rng.random() < 0.5 else "")


def maybe(rng, value, p_null=0.1):
    return None if rng.random() < p_null else value


def named(rng, prefix, ident):
    return maybe(rng, {prefix + "_id": ident, prefix + "_name": maybe(rng, rng.choice(NAMES))})


def version_obj(rng, name):
    return None if name is None else maybe(rng, {"version_name": maybe(rng, name)})


def platform(rng):
    os_name, os_major, os_minor = rng.choice(OSES)
    br_name, br_major, br_minor = rng.choice(BROWSERS)
    os_obj = maybe(rng, {"operating_system_id": rng.randint(1, 9),
                         "operating_system_name": maybe(rng, os_name),
                         "operating_system_version": version_obj(rng, os_major),
                         "operating_system_version_minor": version_obj(rng, os_minor)})
    br_obj = maybe(rng, {"browser_id": rng.randint(1, 9), "browser_name": maybe(rng, br_name),
                         "browser_version": version_obj(rng, br_major),
                         "browser_version_minor": version_obj(rng, br_minor)})
    return os_obj, br_obj


def money(rng):
    currency = rng.choice([1, 1, 2, 3, 4, 99])  # 99 is not in the Currencies table
    amount = rng.choice([0, 0.25, 1.5, 12.75, 0.00001, 3, 1e21])  # 1e-05 and 1e+21 in JSON
    return maybe(rng, {"currency_id": currency, "amount": amount})


def geo(rng):
    return {
        "country": maybe(rng, {"country_code": maybe(rng, rng.choice(COUNTRIES))}),
        "region": maybe(rng, {"region_code": "R1", "region_name": maybe(rng, rng.choice(REGIONS))}),
        "language": maybe(rng, {"language_id": 1, "language_name": maybe(rng, "English")}),
        "isp": maybe(rng, {"isp_id": 7, "isp_name": maybe(rng, rng.choice(NAMES))}),
        "device": maybe(rng, {"device_id": 2, "device_name": maybe(rng, "Desktop")}),
    }


def click_row(rng, ident, ms):
    os_obj, br_obj = platform(rng)
    row = {
        "click_id": ident, "visitor_id": rng.randint(1, 10**9),
        "tracking_id": maybe(rng, "%x" % rng.getrandbits(64)),
        "request_session_id": rng.randint(1, 10**9), "udid": maybe(rng, "udid-%d" % ident, 0.7),
        "click_date": date_value(rng, ms),
        "source_affiliate": named(rng, "source_affiliate", rng.randint(1, 500)),
        "brand_advertiser": named(rng, "brand_advertiser", rng.randint(1, 50)),
        "site_offer": named(rng, "site_offer", rng.randint(1, 300)),
        "campaign": maybe(rng, {"campaign_id": rng.randint(1, 9999)}),
        "creative": maybe(rng, {"creative_id": rng.randint(1, 999),
                                "creative_name": maybe(rng, rng.choice(NAMES))}),
    }
    for k in range(1, 6):
        row["sub_id_%d" % k] = maybe(rng, rng.choice(["", "s%d" % k, "a,b", 'q"t', "ü"]), 0.3)
    row.update({
        "ip_address": maybe(rng, "203.0.113.%d" % rng.randint(1, 254)),
        "user_agent": maybe(rng, rng.choice(AGENTS)),
        "referrer_url": maybe(rng, rng.choice(URLS)),
        "request_url": maybe(rng, rng.choice(URLS)),
        "redirect_url": maybe(rng, rng.choice(URLS)),
    })
    row.update(geo(rng))
    row.update({
        "operating_system": os_obj, "browser": br_obj,
        "disposition": maybe(rng, rng.choice(["Approved", "Rejected"]), 0.5),
        "paid_action": maybe(rng, rng.choice(["CPC", "CPA"])),
        "paid": money(rng), "duplicate": rng.random() < 0.1,
        "duplicate_clicks": rng.randint(0, 3), "total_clicks": rng.randint(1, 5),
        "original_visitor_id": None, "channel": maybe(rng, {"channel_id": 1, "channel_name": "c"}),
        "received": money(rng),
    })
    return row


def conversion_row(rng, ident, ms):
    os_obj, br_obj = platform(rng)
    gap = rng.choice([None, "", 0, -5000, 400, 1000, 312345, 86400 * 1000 + 500, 3 * 86400 * 1000])
    if gap is None or gap == "":
        click_date = gap
    else:
        click_date = date_value(rng, ms - gap)
    row = {
        "event_conversion_id": ident,
        "last_updated": date_value(rng, ms + rng.randint(0, 10**7)),
        "event_conversion_date": date_value(rng, ms), "click_date": click_date,
        "source_affiliate": named(rng, "source_affiliate", rng.randint(1, 500)),
        "brand_advertiser": named(rng, "brand_advertiser", rng.randint(1, 50)),
        "site_offer": named(rng, "site_offer", rng.randint(1, 300)),
        "creative": maybe(rng, {"creative_id": rng.randint(1, 999)}),
    }
    for k in range(1, 6):
        row["sub_id_%d" % k] = maybe(rng, rng.choice(["", "s%d" % k, "x,y", 'q"t']), 0.3)
    row.update({
        "source_type": maybe(rng, rng.choice(["Affiliate", "Direct"])),
        "paid": money(rng), "received": money(rng),
        "paid_unbilled": maybe(rng, {"amount": rng.choice([0, 1.25])}),
        "received_unbilled": maybe(rng, {"amount": rng.choice([0, 2.5])}),
        "pixel_dropped": rng.random() < 0.5,
        "transaction_id": maybe(rng, "tx-%d" % ident),
        "event_conversion_score": maybe(rng, rng.choice([0, 0.5, 1])),
        "tracking_id": maybe(rng, "%x" % rng.getrandbits(48)),
        "udid": maybe(rng, "udid", 0.7),
        "click_request_session_id": rng.randint(1, 10**9),
        "event_conversion_ip_address": maybe(rng, "198.51.100.%d" % rng.randint(1, 254)),
        "click_ip_address": maybe(rng, "203.0.113.%d" % rng.randint(1, 254)),
        "event_conversion_user_agent": maybe(rng, rng.choice(AGENTS)),
        "click_user_agent": maybe(rng, rng.choice(AGENTS)),
        "event_conversion_referrer_url": maybe(rng, rng.choice(URLS)),
        "click_referrer_url": maybe(rng, rng.choice(URLS)),
        "event_info": maybe(rng, {"event_id": 1, "event_name": maybe(rng, "Sale, \"big\"")}),
        "price_format": maybe(rng, {"price_format_id": 1, "price_format_name": maybe(rng, "CPA")}),
        "current_disposition": maybe(rng, {"disposition_id": 1, "disposition_type": maybe(
            rng, {"disposition_type_id": 1, "disposition_type_name": maybe(rng, "Approved")})}),
    })
    row.update(geo(rng))
    row.update({"operating_system": os_obj, "browser": br_obj})
    return row


class Dataset:
    """The rows of both reports; thread-safe (bursts may be added while serving)."""

    def __init__(self, seed, clicks_per_hour, conversions_per_hour):
        if not 0 <= clicks_per_hour <= 750_000 or not 0 <= conversions_per_hour <= 750_000:
            raise ValueError("rows per hour must be between 0 and 750000")
        self.seed = seed
        self.density = {"clicks": clicks_per_hour, "conversions": conversions_per_hour}
        self.bursts = []  # (report, start_ms, end_ms, rows)
        self.lock = threading.Lock()

    def add_burst(self, report, start_ms, end_ms, rows):
        if report not in REPORTS or end_ms <= start_ms or not 0 < rows < 1_000_000:
            raise ValueError("a burst needs a report, start < end and 0 < rows < 1000000")
        with self.lock:
            self.bursts.append((report, start_ms, end_ms, rows))
            return len(self.bursts) - 1

    def clear_bursts(self):
        with self.lock:
            self.bursts = []

    def _hour_times(self, report, hour):
        """The sorted instants of the base rows of one hour."""
        rng = random.Random("%s:%s:%d" % (self.seed, report, hour))
        d = self.density[report]
        n = d + rng.randint(-(d // 4), d // 4) if d else 0
        return sorted(hour * HOUR_MS + rng.randrange(HOUR_MS) for _ in range(n))

    def _burst_times(self, index, burst):
        report, start_ms, end_ms, rows = burst
        rng = random.Random("%s:%s:burst:%d" % (self.seed, report, index))
        return sorted(rng.randrange(start_ms, end_ms) for _ in range(rows))

    def _keys(self, report, start_ms, end_ms):
        """[(ms, id)] of every row in [start_ms, end_ms), in (time, id) order."""
        keys = []
        for hour in range(start_ms // HOUR_MS, (end_ms - 1) // HOUR_MS + 1):
            for i, ms in enumerate(self._hour_times(report, hour)):
                if start_ms <= ms < end_ms:
                    keys.append((ms, hour * 1_000_000 + i + 1))
        with self.lock:
            bursts = list(enumerate(self.bursts))
        for index, burst in bursts:
            if burst[0] != report or burst[2] <= start_ms or burst[1] >= end_ms:
                continue
            for i, ms in enumerate(self._burst_times(index, burst)):
                if start_ms <= ms < end_ms:
                    keys.append((ms, BURST_ID_BASE + index * 1_000_000 + i + 1))
        keys.sort()
        return keys

    def count(self, report, start_ms, end_ms):
        return len(self._keys(report, start_ms, end_ms)) if end_ms > start_ms else 0

    def ids(self, report, start_ms, end_ms):
        return [k[1] for k in self._keys(report, start_ms, end_ms)] if end_ms > start_ms else []

    def rows(self, report, start_ms, end_ms, start_at_row=0, limit=0):
        """(total matching, the rows of the slice) for [start_ms, end_ms)."""
        if end_ms <= start_ms:
            return 0, []
        keys = self._keys(report, start_ms, end_ms)
        chosen = keys[start_at_row:start_at_row + limit] if limit else keys[start_at_row:]
        make = click_row if report == "clicks" else conversion_row
        out = []
        for ms, ident in chosen:
            # Contents come from a per-row generator seeded by the row's id, so a row looks the
            # same whichever slice or window it is served in.
            rng = random.Random("%s:%s:row:%d" % (self.seed, report, ident))
            out.append(make(rng, ident, ms))
        return len(keys), out
