#!/usr/bin/env python3
"""Write the seed corpus under fuzz/seeds/<target>/ and the dictionaries
under fuzz/dict/ (all committed; re-run after changing this file). Built from the examples in shared/protocol.md and what the
reference server sends (`meridian serve`, `--hostile`), plus the edge cases
the contract names. MessagePack is encoded by the small encoder below, the
way the server's `rmp_serde::encode::write_named` does (maps with string
keys, smallest int form, float64), so no package is needed.

    python3 fuzz/gen_seeds.py
"""

import json
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(HERE, "seeds")


# --- MessagePack -------------------------------------------------------------

def mp(v):
    """Encode `v` as MessagePack (str/int/float/bool/None/list/dict/bytes)."""
    if v is None:
        return b"\xc0"
    if v is True:
        return b"\xc3"
    if v is False:
        return b"\xc2"
    if isinstance(v, int):
        if 0 <= v <= 0x7F:
            return bytes([v])
        if -32 <= v < 0:
            return struct.pack("b", v)
        if v >= 0:
            for fmt, tag, lim in ((">B", 0xCC, 0xFF), (">H", 0xCD, 0xFFFF),
                                  (">I", 0xCE, 0xFFFFFFFF), (">Q", 0xCF, 2**64 - 1)):
                if v <= lim:
                    return bytes([tag]) + struct.pack(fmt, v)
        for fmt, tag, lim in ((">b", 0xD0, 2**7), (">h", 0xD1, 2**15),
                              (">i", 0xD2, 2**31), (">q", 0xD3, 2**63)):
            if -lim <= v:
                return bytes([tag]) + struct.pack(fmt, v)
        raise ValueError(v)
    if isinstance(v, float):
        return b"\xcb" + struct.pack(">d", v)
    if isinstance(v, str):
        b = v.encode("utf-8", "surrogatepass")
        n = len(b)
        if n < 32:
            return bytes([0xA0 | n]) + b
        if n <= 0xFF:
            return b"\xd9" + bytes([n]) + b
        if n <= 0xFFFF:
            return b"\xda" + struct.pack(">H", n) + b
        return b"\xdb" + struct.pack(">I", n) + b
    if isinstance(v, (bytes, bytearray)):
        n = len(v)
        return (b"\xc4" + bytes([n]) if n <= 0xFF else b"\xc5" + struct.pack(">H", n)) + bytes(v)
    if isinstance(v, list):
        n = len(v)
        head = bytes([0x90 | n]) if n < 16 else b"\xdc" + struct.pack(">H", n)
        return head + b"".join(mp(x) for x in v)
    if isinstance(v, dict):
        n = len(v)
        head = bytes([0x80 | n]) if n < 16 else b"\xde" + struct.pack(">H", n)
        return head + b"".join(mp(k) + mp(x) for k, x in v.items())
    raise TypeError(type(v))


def js(v):
    """Compact JSON, non-ASCII kept as UTF-8 and controls as \\u escapes."""
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- Hostile text (the reference server's --hostile wrapping and friends) ----

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
OSC8 = "\x1b]8;;https://pwned.example/\x1b\\bank\x1b]8;;\x1b\\"
CSI6N = "\x1b[6n"
ESC_C = "\x1bc"
UNTERMINATED_OSC = "\x1b]0;pwned-unterminated"
C1_CSI = "\u009b31m"
BIDI = "\u202e\u2066\u200b\ufeff"
HOSTILE_BEFORE = ("\x1b]0;pwned-title\x07" + OSC52 + "\x1bPtmux;\x1b\x1b]2;pwned-tmux\x07\x1b\\"
                  + "\x1b]8;;https://pwned.example/\x1b\\" + "\u202e\u200b")
HOSTILE_AFTER = ("\x1b]8;;\x1b\\" + "\x1b[6n\x1b[2J\u009b31m" + "\x1b_Gf=100;cHduZWQ=\x1b\\"
                 + "\x1bc\x07" + UNTERMINATED_OSC)


def hostile(text):
    return HOSTILE_BEFORE + text + HOSTILE_AFTER


# --- Price feed (§1) ---------------------------------------------------------

SNAP = {"type": "snapshot", "symbol": "AAPL", "price": 150.25, "bid": 150.24,
        "ask": 150.26, "timestamp": 1705660245123, "volume": 1200}
DELTA = {"type": "delta", "symbol": "MSFT", "bid": 411.5}
PRICES = {
    "snapshot": SNAP,
    "delta": DELTA,
    "batch": [SNAP, DELTA, {"type": "snapshot", "symbol": "BRK.B", "price": 412, "bid": 411.9,
                            "ask": 412.1, "timestamp": 1705660245200}],
    "rfc3339_timestamp": dict(SNAP, timestamp="2024-01-19T10:30:45.123Z"),
    "offset_timestamp": dict(DELTA, timestamp="2024-01-19T11:30:45.123+01:00"),
    "unknown_fields": dict(SNAP, exchange="XNAS", meta={"seq": [1, 2, 3], "halted": False}),
    "unknown_type": {"type": "trade", "symbol": "AAPL", "price": 150.0},
    "subscribe_command": {"type": "subscribe", "symbol": "AAPL"},
    "negative_price": dict(SNAP, price=-1.0),
    "nan_ish": [dict(SNAP, price="NaN"), dict(DELTA, ask=None), dict(DELTA, bid=-0.0),
                dict(SNAP, price=1.7976931348623157e308), dict(DELTA, volume="1e309")],
    "bad_items": [SNAP, 7, "x", None, [], {"type": "snapshot"}, {"symbol": "NOTYPE"},
                  dict(SNAP, symbol=None), dict(SNAP, timestamp="yesterday")],
    "hostile_symbol": [dict(SNAP, symbol="AAPL" + OSC52), dict(DELTA, symbol=ESC_C + "MSFT" + CSI6N),
                       dict(DELTA, symbol=BIDI + "TSLA" + C1_CSI), dict(DELTA, symbol=UNTERMINATED_OSC)],
    "symbol_only_control": dict(DELTA, symbol="\x1b[2J"),
    "big_timestamp": [dict(DELTA, timestamp=2**63), dict(DELTA, timestamp=-1),
                      dict(DELTA, timestamp=9.1e15), dict(DELTA, timestamp=1705660245123.5)],
}


def price_extra_json():
    yield "duplicate_keys", b'{"type":"delta","symbol":"X","bid":1,"bid":"bad","symbol":"Y"}'
    yield "truncated_batch", js(PRICES["batch"])[:-20]
    yield "escaped_surrogate", b'{"type":"delta","symbol":"\\ud83d\\ude00A","ask":1}'
    yield "raw_c1_bytes", b'{"type":"delta","symbol":"A\xc2\x9b6nB","ask":1}'
    yield "not_a_frame", b'"snapshot"'


def price_extra_msgpack():
    # A non-string key, a `bin` symbol, an ext value, a float32, trailing bytes.
    yield "int_key", b"\x83\xa4type\xa5delta\xa6symbol\xa1X\x07\x01"
    yield "bin_symbol", b"\x82\xa4type\xa5delta\xa6symbol\xc4\x04AAPL"
    yield "ext_value", b"\x83\xa4type\xa5delta\xa6symbol\xa1X\xa3bid\xd4\x01\x00"
    yield "float32_price", b"\x83\xa4type\xa8snapshot\xa6symbol\xa1X\xa5price\xca\x43\x16\x40\x00"
    yield "trailing_bytes", mp(DELTA) + b"\xff\xff garbage"
    yield "truncated", mp(PRICES["batch"])[:-7]


# --- Backfill feed (§2) ------------------------------------------------------

JOB = {"job_id": "blocks-2019", "name": "Blocks 2019", "status": "running",
       "processed": 12345, "total": 50000, "rate_per_sec": 812.5, "eta_seconds": 58,
       "errors": 2, "last_error": "timeout fetching block 881",
       "started_at": "2024-01-19T10:20:00Z", "updated_at": "2024-01-19T10:30:45Z"}


def bf(data, ts="2024-01-19T10:30:45Z", kind="backfill_progress"):
    return {"type": kind, "timestamp": ts, "data": data}


BACKFILL = {
    "progress_rfc3339": bf(JOB),
    "progress_millis": bf(dict(JOB, started_at=1705659600000, updated_at=1705660245000),
                          ts=1705660245000),
    "no_eta": bf({k: v for k, v in JOB.items() if k != "eta_seconds"}),
    "batch": [bf(JOB), bf(dict(JOB, job_id="trades-2020", status="completed", processed=50000,
                               eta_seconds=None, last_error=None)),
              bf(dict(JOB, job_id="q", status="paused"))],
    "unknown_status": bf(dict(JOB, status="archived")),
    "unknown_type": bf(JOB, kind="backfill_started"),
    "bad_items": [bf(JOB), 3, {"type": "backfill_progress"}, bf({"name": "no id"}),
                  bf(dict(JOB, processed=-5)), bf(dict(JOB, rate_per_sec="fast"))],
    "hostile_text": bf(dict(JOB, job_id=ESC_C + "job", name=hostile("Blocks 2019"),
                            last_error=OSC52 + "timeout\r\nfetching" + C1_CSI)),
    "unknown_fields": bf(dict(JOB, shard=3, tags=["a", "b"]), ts="2024-01-19T10:30:45+05:30"),
}


# --- Health feed (§3) --------------------------------------------------------

SERVICE = {"name": "api", "status": "healthy", "latency_ms": 12.5, "uptime_pct": 99.98,
           "checked_at": 1705660245000}
STATUS = {"overall": "degraded",
          "services": [SERVICE, {"name": "db", "status": "degraded", "latency_ms": 250.0,
                                 "uptime_pct": 99.1, "message": "replica lag 4s",
                                 "checked_at": "2024-01-19T10:30:45Z"}],
          "processing": {"queue_depth": 42, "processed_per_sec": 1200.5, "error_rate": 0.002},
          "performance": {"api_p50_ms": 18, "api_p99_ms": 240, "cpu_pct": 63.5, "memory_pct": 71.2},
          "websocket_connections": 17}
INSIGHT = {"id": 101, "title": "Momentum in AAPL", "summary": "Volume up 40%.\nWatch the open.",
           "category": "momentum", "confidence": 0.82, "created_at": "2024-01-19T10:30:45Z",
           "avg_rating": 4.2, "rating_count": 9, "flag_count": 0}
FEEDBACK = {"insight_id": "101", "avg_rating": 4.2, "rating_count": 9,
            "distribution": {"1": 0, "2": 1, "3": 1, "4": 3, "5": 4}, "comment_count": 2,
            "flag_count": 0}
REPORT = {"id": "rpt-7", "account_number": "ACC-1001", "account_title": "Alpha Fund",
          "client_id": "C-42", "report_date": "2024-01-19", "trade_date": "2024-01-18",
          "positions": [{"symbol": "AAPL", "quantity": 100, "price": 150.25,
                         "market_value": 15025.0, "margin_requirement": 3756.25}],
          "account_totals": {"equity": 1250000.0, "margin_used": 310000.0},
          "risk_metrics": {"var_95": 41000.0, "leverage": 1.8},
          "extraction_confidence": 0.97, "data_quality_score": 0.93,
          "validation_status": "pending", "processing_status": "extracted",
          "created_by": "ingest", "source_file_name": "alpha-2024-01-19.pdf",
          "processing_time_ms": 812.0, "created_at": 1705660000000,
          "updated_at": "2024-01-19T10:30:45Z"}
KPI = {"id": 3, "name": "Approval latency", "unit": "min", "current_value": 42.0,
       "direction": "lower_is_better",
       "target": {"value": 30.0, "threshold": {"warning": 45.0, "critical": 60.0}},
       "status": "AT_RISK",
       "history": [{"value": 50.0, "recorded_at": 1705600000000},
                   {"value": 42.0, "recorded_at": "2024-01-19T10:00:00Z"}]}
ALERT = {"id": "al-1", "severity": "critical", "title": "Feed down",
         "message": "prices feed lost 3 heartbeats", "source": "monitor"}


def env(kind, data, ts=1705660245000):
    return {"type": kind, "timestamp": ts, "data": data}


HEALTH = {
    "system_status": env("system_status", STATUS),
    "signal_metrics": env("signal_metrics", {"metrics": [{"name": "rsi", "value": 61.2},
                                                         {"name": "lag", "value": 4, "unit": "s"}]}),
    "insight_metrics": env("insight_metrics", {"total": 120, "generated_last_hour": 4,
                                               "avg_rating": 3.9, "avg_confidence": 0.74,
                                               "flagged": 2}, ts="2024-01-19T10:30:45Z"),
    "insight_created": env("insight_created", INSIGHT),
    "feedback_updated": env("feedback_updated", FEEDBACK),
    "report_updated": env("report_updated", REPORT),
    "kpi_updated": env("kpi_updated", KPI),
    "alert": env("alert", ALERT),
    "unknown_type": env("solar_flare", {"x": 1}),
    "hostile_unknown_type": env("\x1b]0;t\x07evil" + BIDI, {}),
    "hostile_alert": env("alert", dict(ALERT, title=hostile("Feed down"), message=OSC8,
                                       source=CSI6N + "monitor" + ESC_C)),
    "hostile_insight": env("insight_created", dict(INSIGHT, id="\x1b[2J101",
                                                   title=hostile("Momentum"),
                                                   summary="line one\r\n" + OSC52 + "line two\n"
                                                   + "\x1b]0;spans\nlines\x07tail" + C1_CSI)),
    "batch_mixed": [env("alert", ALERT), env("kpi_updated", {"name": "no id"}), 5,
                    env("system_status", {}), env("weird", None)],
}


# --- REST bodies (§4-§7) -----------------------------------------------------

REST = {
    "insights": {"insights": [INSIGHT, dict(INSIGHT, id="ins-2", title=hostile("t"))], "total": 2},
    "reports": {"reports": [REPORT], "total": 41, "has_more": True},
    "report": dict(REPORT, validation_status="approved", approved_by="ops\x1b[6n",
                   approved_at="2024-01-19T10:31:00Z", notes="ok\u202e"),
    "kpis": {"kpis": [KPI, dict(KPI, id="k-9", status="SIDEWAYS", direction="up")]},
    "status": STATUS,
    "backfill": {"jobs": [JOB, dict(JOB, job_id="b", status="failed", last_error=OSC52)]},
    "feedback_stats": FEEDBACK,
    "analytics": {"summary": {"total_reports": 41, "unique_accounts": 9, "avg_confidence": 0.91,
                              "avg_quality_score": 0.88, "approval_rate": 0.76,
                              "pending_count": 5},
                  "performance": {"avg_processing_time": 812.0, "min_processing_time": 90.0,
                                  "max_processing_time": 4020.0},
                  "trends": [{"date": "2024-01-18", "reports": 7, "confidence": 0.9}]},
    "error_409": {"error": {"code": "conflict", "message": "report is no longer pending",
                            "current": REPORT}},
    "error_hostile": {"error": {"code": "\x1bc", "message": hostile("rate limited")}},
}


def rest_extra():
    yield "html_502", b"<html><body>Bad Gateway</body></html>"
    yield "retry_after_seconds", b"120"
    yield "retry_after_date", b"Wed, 21 Oct 2015 07:28:00 GMT"
    yield "empty_object", b"{}"


# --- Config -----------------------------------------------------------------

def history_seeds():
    """Candles (§1a) and monitoring samples (§3a): the contract's example,
    both time forms, and every kind of candle the console drops."""
    good = {"time": 1705660200000, "open": 150.1, "high": 150.4, "low": 149.9,
            "close": 150.25, "volume": 12000}
    later = dict(good, time="2024-01-19T10:31:00Z")
    yield "candles", js({"symbol": "AAPL", "interval": "1m", "candles": [good, later]})
    yield "candles_bad", js({"symbol": "AAPL", "interval": "1m", "candles": [
        good, good, dict(good, time=1705660140000), dict(good, high=149.0),
        dict(good, time=1705660260000, open=-1), dict(good, time=1705660320000, close="x"),
        dict(good, time=1705660380000, volume=-5), {"time": 1705660440000}]})
    yield "candles_huge", b'{"candles":[{"time":1,"open":1e308,"high":1e309,"low":0,"close":1}]}'
    yield "candles_empty", js({"candles": []})
    sample = {"timestamp": 1705660245000,
              "processing": {"queue_depth": 34, "processed_per_sec": 1200, "error_rate": 0.002},
              "performance": {"api_p50_ms": 12, "api_p99_ms": 80, "cpu_pct": 41,
                              "memory_pct": 63}}
    yield "samples", js({"samples": [sample, dict(sample, timestamp="2024-01-19T10:30:55Z")]})
    yield "samples_bad", js({"samples": [sample, sample, {"timestamp": 1},
                                         dict(sample, timestamp=1705660255000,
                                              processing={"queue_depth": -1})]})


def config_seeds():
    with open(os.path.join(HERE, "..", "config", "default.toml"), "rb") as f:
        yield "default", f.read()
    yield "minimal", b'[server]\nurl = "https://ops.example.com/meridian/"\n'
    yield "overrides", (b'data_dir = "/var/lib/meridian"\n[server]\nurl = "http://h:1"\n'
                        b'prices_url = "wss://p/ws/prices"\ntoken_file = "token"\n'
                        b'[markets]\nsymbols = ["aapl", "BRK.B", "AAPL", "^gspc"]\n'
                        b'[log]\nlevel = "DEBUG"\n[ui]\ntheme = "mono"\nfps = 240\n')
    yield "keymap", (b'[keys.markets]\nadd_symbol = ["a", "+"]\n\n[keys.global]\n'
                     b'quit = ["q", "ctrl-c"]\n')
    yield "keymap_duplicate", (b'[ui]\nfps = 30\n\n[keys.markets]\nremove_symbol = ["x"]\n'
                               b'add_symbol = ["s"]\n')
    yield "keymap_unknown_context", b'[keys.market]\nadd_symbol = ["+"]\n'
    yield "bad_fps", b'[ui]\nfps = 0\n'
    yield "fps_type", b'[ui]\nfps = "fast"\n'
    yield "unknown_key", b'[feeds]\nconnect_timeout = 5\n'
    yield "bad_url", b'[server]\nurl = "ftp://x"\n'
    yield "duplicate_key", b'[ui]\nfps = 3\nfps = 4\n'
    yield "bad_symbol", b'[markets]\nsymbols = ["TOO-LONG-SYMBOL", "A B", ""]\n'
    yield "backoff_order", b'[feeds]\nbackoff_base_ms = 60000\n'
    yield "unterminated_string", b'[log]\nlevel = "info\n'
    yield "stale_nan", b'[feeds]\nprices_stale_after_secs = nan\n'


# --- Sanitize ----------------------------------------------------------------

def sanitize_seeds():
    yield "plain", "AAPL Momentum in AAPL"
    yield "unicode", "BRK.B ü 株 📈 العربية"
    yield "hostile_wrap", hostile("Momentum in AAPL")
    yield "osc52", "a" + OSC52 + "b\x1b]52;c;cm0=\x1b\\c"
    yield "osc8", OSC8
    yield "csi6n", "a" + CSI6N + "b\x1b[2J\x1b[1;31mred\x1b[0m"
    yield "esc_c", "a\x1bcb\x1b(0c\x1b7d"
    yield "unterminated_osc", "safe" + UNTERMINATED_OSC
    yield "c1", "a\u009b2Jb\u009d0;t\u009cc\u0090q\u009cd\u009fx\x07e"
    yield "bidi_zero_width", "ab\u202ecd\u200be\u2067f\u2060g\ufeffh\u200ei"
    yield "multiline", "line one\r\nline\ttwo\n\x1b]0;spans\nlines\x07tail\n"
    yield "lone_esc", "ding\x07\x1b"
    yield "long", "x" * 4100 + "\u200b"
    yield "long_unicode", "é" * 4097


# --- libFuzzer dictionaries (fuzz/dict/) -------------------------------------

def dict_entry(b):
    out = ""
    for c in b:
        ch = chr(c)
        if ch in '\\"':
            out += "\\" + ch
        elif 0x20 <= c < 0x7F:
            out += ch
        else:
            out += "\\x%02X" % c
    return '"' + out + '"'


JSON_TOKENS = ["{", "}", "[", "]", ",", ":", '"', "null", "true", "false", "-0.0", "1e309", "-1",
               "0", "150.25", "1705660245123", "9223372036854775808", "18446744073709551616",
               "1.7976931348623157e308", '"2024-01-19T10:30:45Z"',
               '"2024-01-19T10:30:45.123+01:00"', '"2024-13-45T99:99:99+25:00"',
               "\\u001b", "\\u009b", "\\u202e", "\\ud800", "\\ud83d\\ude00", "\\n", "\\r", "\\t",
               '\\"', "\\\\"]
# Field names and enum values of the contract; the first 14 also as
# MessagePack strings.
WIRE_NAMES = ["type", "symbol", "price", "bid", "ask", "volume", "timestamp", "data", "snapshot",
              "delta", "backfill_progress", "job_id", "status", "name",
              "subscribe", "unsubscribe", "processed", "total", "rate_per_sec", "eta_seconds",
              "errors", "last_error", "started_at", "updated_at", "pending", "running", "paused",
              "completed", "failed", "system_status", "signal_metrics", "insight_metrics",
              "insight_created", "feedback_updated", "report_updated", "kpi_updated", "alert",
              "overall", "services", "healthy", "degraded", "down", "latency_ms", "uptime_pct",
              "message", "checked_at", "processing", "performance", "metrics", "value", "unit",
              "id", "title", "summary", "category", "confidence", "created_at", "insight_id",
              "distribution", "severity", "info", "warning", "critical", "source", "insights",
              "reports", "kpis", "jobs", "error", "code", "current", "account_number",
              "validation_status", "positions", "account_totals", "history", "recorded_at",
              "direction", "target", "threshold", "ON_TRACK", "AT_RISK", "OFF_TRACK", "has_more"]
MSGPACK_TOKENS = [b"\xc0", b"\xc2", b"\xc3", b"\xcb", b"\xca", b"\xcc", b"\xcd", b"\xce", b"\xcf",
                  b"\xd0", b"\xd3", b"\xd9", b"\xda", b"\xdc\x00", b"\xde\x00", b"\xc4",
                  b"\xd4\x01", b"\x81", b"\x87", b"\x91", b"\x9f"]
HOSTILE_TOKENS = [b"\x1b]52;c;", b"\x1b]8;;", b"\x1b[6n", b"\x1bc", b"\x1b\\", b"\x07",
                  b"\xc2\x9b", b"\xc2\x9d", b"\xe2\x80\xae", b"\xe2\x81\xa6", b"\xe2\x80\x8b",
                  b"\xef\xbb\xbf"]
CONFIG_TOKENS = ["[server]", "[feeds]", "[ui]", "[markets]", "[log]", "[keys]", "[keys.markets]",
                 "[keys.global]", "url", "prices_url", "backfill_url", "health_url", "token_file",
                 "request_timeout_ms", "connect_timeout_ms", "backoff_base_ms", "backoff_cap_ms",
                 "ping_interval_secs", "max_frame_bytes", "prices_stale_after_secs",
                 "health_stale_after_secs", "fps", "theme", "bell", "history_points", "symbols",
                 "level", "data_dir", "add_symbol", "remove_symbol", "quit", "ctrl-c", " = ",
                 '"http://127.0.0.1:8080"', '"wss://h/ws"', '"mono"', '"default"', '"info"',
                 '["AAPL", "MSFT"]', "true", "false", "nan", "inf", "0", "240", "1e308", '"""',
                 "\'\'\'", "\\u001b", "\\n", "#"]


def write_dicts():
    d = os.path.join(HERE, "dict")
    os.makedirs(d, exist_ok=True)
    wire = ["# libFuzzer dictionary for meridian's wire formats (shared/protocol.md):",
            "# JSON tokens, field names, the same names as MessagePack strings,",
            "# MessagePack headers and values, hostile text. Written by gen_seeds.py.", ""]
    wire += [dict_entry(t.encode()) for t in JSON_TOKENS]
    wire += [dict_entry(('"%s"' % n).encode()) for n in WIRE_NAMES]
    wire += [dict_entry(mp(n)) for n in WIRE_NAMES[:14]]
    wire += [dict_entry(t) for t in MSGPACK_TOKENS]
    wire += [dict_entry(mp(v)) for v in (1705660245123, 150.25, -1.0, float("nan"), float("inf"))]
    wire += [dict_entry(t) for t in HOSTILE_TOKENS]
    with open(os.path.join(d, "wire.dict"), "w") as f:
        f.write("\n".join(wire) + "\n")
    cfg = ["# libFuzzer dictionary for meridian's config file (config/default.toml).",
           "# Written by gen_seeds.py.", ""]
    cfg += [dict_entry(t.encode()) for t in CONFIG_TOKENS]
    with open(os.path.join(d, "config.dict"), "w") as f:
        f.write("\n".join(cfg) + "\n")


def write(target, name, data):
    assert target in GENERATED, target
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# The seed directories this script writes. Only these are cleared on a
# re-run: others under seeds/ (venue_*, written by hand from the venue
# fixtures) are not generated here and must survive.
GENERATED = ("price_json", "price_msgpack", "backfill", "health", "rest_bodies", "history",
             "config", "sanitize")


def main():
    for t in GENERATED:
        d = os.path.join(SEEDS, t)
        if os.path.isdir(d):
            shutil.rmtree(d)
    for name, v in PRICES.items():
        write("price_json", name + ".json", js(v))
        write("price_msgpack", name + ".msgpack", mp(v))
    for name, data in price_extra_json():
        write("price_json", name + ".json", data)
    for name, data in price_extra_msgpack():
        write("price_msgpack", name + ".msgpack", data)
    for target, table in (("backfill", BACKFILL), ("health", HEALTH)):
        for i, (name, v) in enumerate(table.items()):
            write(target, name + ".json", js(v))
            if i % 3 == 0 or name.startswith("hostile") or name == "batch":
                write(target, name + ".msgpack", mp(v))
    for name, v in REST.items():
        write("rest_bodies", name + ".json", js(v))
    for name, data in rest_extra():
        write("rest_bodies", name + ".txt", data)
    for name, data in history_seeds():
        write("history", name + ".json", data)
    for name, data in config_seeds():
        write("config", name + ".toml", data)
    for name, text in sanitize_seeds():
        write("sanitize", name + ".txt", text.encode("utf-8"))
    write_dicts()
    for t in sorted(os.listdir(SEEDS)):
        if t not in GENERATED:
            continue
        print(f"{t}: {len(os.listdir(os.path.join(SEEDS, t)))} seeds")


if __name__ == "__main__":
    main()
