"""Column codec of the project file: one pandas column <-> (kind, dtype, data, mask) for a SQLite BLOB row.

Why not one SQL row per account: 100k accounts × 30 columns of INSERTs takes seconds, while raw numpy bytes and
one blob per text column save and open in milliseconds and give back the very same dtypes. Everything here
treats the bytes as untrusted: dtypes come from a whitelist, lengths are checked, nothing is executed.

Text columns (schema 3) are the values joined by NUL, UTF-8 encoded ("text"), or, when they repeat (cities,
owners, segments), their distinct values joined the same way plus an int32 code per row ("text_dict"): at 1M
accounts JSON took 4.8 s to save and 8.6 s to open, joining and splitting takes ~0.03-0.1 s per column, and
a dictionary column opens in ~15 ms because it builds one Python string per distinct value, not per row. A
column whose values hold a NUL itself, or any other text column, keeps the JSON form ("string", schema 2).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

NUMPY_KINDS = "biufcMm"
"""numpy dtype kinds stored as raw bytes (never object: frombuffer of object memory would be unsafe)."""


class ColumnFormatError(ValueError):
    """A stored column cannot be decoded; the message says why (the caller adds file and column)."""


@dataclass(frozen=True)
class EncodedColumn:
    """A column as it is stored: `kind` picks the decoder, `dtype` is a small JSON/text description."""

    kind: str
    dtype: str
    data: bytes
    mask: bytes | None = None


# ----- encoding -------------------------------------------------------------------------------------------
def encode_series(s: pd.Series) -> EncodedColumn:
    """Encode one column so that `decode_series` gives back an equal Series (values and dtype)."""
    dtype = s.dtype
    if isinstance(dtype, pd.StringDtype):
        spec = {"storage": dtype.storage, "na_value": "nan" if dtype.na_value is np.nan else "NA"}
        fast = _encode_text(s, spec)
        if fast is not None:
            return fast
        values = s.to_numpy(dtype=object, na_value=None).tolist()
        return EncodedColumn("string", json.dumps(spec), _json_bytes(values))
    if isinstance(dtype, pd.CategoricalDtype):
        codes = np.ascontiguousarray(s.cat.codes.to_numpy())
        cats = encode_series(pd.Series(dtype.categories))
        spec = {"ordered": bool(dtype.ordered), "codes": codes.dtype.str,
                "categories": {"kind": cats.kind, "dtype": cats.dtype, "data": _b64(cats.data),
                               "mask": None if cats.mask is None else _b64(cats.mask),
                               "count": len(dtype.categories)}}
        return EncodedColumn("categorical", json.dumps(spec), codes.tobytes())
    if isinstance(dtype, pd.DatetimeTZDtype):
        naive = s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
        return EncodedColumn("datetimetz", str(dtype), np.ascontiguousarray(naive.view(np.int64)).tobytes())
    if isinstance(dtype, np.dtype) and dtype.kind in NUMPY_KINDS:
        return EncodedColumn("numpy", dtype.str, np.ascontiguousarray(s.to_numpy()).tobytes())
    if _is_masked(dtype):
        mask = s.isna().to_numpy()
        values = s.to_numpy(dtype=dtype.numpy_dtype, na_value=dtype.numpy_dtype.type(0))
        return EncodedColumn("masked", str(dtype), np.ascontiguousarray(values).tobytes(), mask.tobytes())
    return EncodedColumn("object", "object", _json_bytes([_tag(v) for v in s.to_numpy(dtype=object)]))


SEP = "\x00"
"""Between the values of a text column: the one character a CRM cell practically never holds (the importer drops
NUL bytes); a column that holds one anyway is stored as JSON."""
DICT_SAMPLE = 20_000
"""Rows looked at (evenly spread) to decide whether a text column repeats enough to be stored as distinct
values + codes: enough that a column of 2,000 owners or 30,000 ZIP codes over 1M accounts shows its repeats
(at 2,000 rows both looked nearly distinct and were stored row by row)."""
DICT_SHARE = 0.6
"""...it does when at most this share of the sampled rows are distinct (and, counted over the whole column,
at most half of its rows)."""
DICT_MIN_ROWS = 2000
"""Shorter columns are stored as text: too few rows for codes to pay."""
CODE_TYPES = ("|i1", "<i2", "<i4")
"""The code widths of a "text_dict" column, the narrowest that holds its distinct values (and -1 = missing):
a column of 3 segments needs 1 MB of codes at 1M accounts, not 4 MB. A record without "codes" is int32."""


def _joined(values: np.ndarray | list[Any]) -> bytes | None:
    """The values joined by SEP as UTF-8 (lone surrogates kept), or None if one holds SEP or is not text."""
    try:
        data = SEP.join(values).encode("utf-8", "surrogatepass")
    except TypeError:  # a missing value (or anything not a str)
        return None
    return data if data.count(b"\x00") == max(len(values) - 1, 0) else None


def _encode_text(s: pd.Series, spec: dict[str, Any]) -> EncodedColumn | None:
    """A text column as "text" (values joined) or "text_dict" (distinct values joined + the narrowest codes,
    -1 = missing); None when neither fits (a value holding SEP), so the caller writes JSON."""
    values = s.to_numpy(dtype=object)
    n = len(values)
    sample = values[::max(n // DICT_SAMPLE, 1)]
    if n >= DICT_MIN_ROWS and len(set(sample.tolist())) <= DICT_SHARE * len(sample):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        data = _joined(np.asarray(uniques, dtype=object)) if len(uniques) <= n // 2 else None
        if data is not None:
            width = next(t for t in CODE_TYPES if len(uniques) <= np.iinfo(np.dtype(t)).max)
            spec = {**spec, "values": len(uniques), "codes": width}
            return EncodedColumn("text_dict", json.dumps(spec), data,
                                 np.ascontiguousarray(codes, dtype=width).tobytes())
    data = _joined(values)
    if data is not None:
        return EncodedColumn("text", json.dumps(spec), data)
    missing = s.isna().to_numpy()
    if not missing.any():
        return None  # a value holds SEP
    filled = values.copy()
    filled[missing] = ""
    data = _joined(filled)
    return None if data is None else EncodedColumn("text", json.dumps(spec), data, missing.tobytes())


def _is_masked(dtype: Any) -> bool:
    """pandas' nullable numbers and booleans (Int64, Float64, boolean): values + a missing-value mask."""
    return isinstance(dtype, pd.api.extensions.ExtensionDtype) and (
        str(dtype) == "boolean" or (str(dtype)[:1] in "IUF" and getattr(dtype, "numpy_dtype", None) is not None
                                    and dtype.numpy_dtype.kind in "iuf"))


def _json_bytes(values: list[Any]) -> bytes:
    # surrogatepass: text decoded with surrogateescape (undecodable CSV bytes) survives; json.loads undoes it
    return json.dumps(values, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _tag(v: Any) -> Any:
    """A JSON value for one cell of an object column; the few non-JSON types get a {"$": type} wrapper."""
    if v is None or isinstance(v, str | bool | int):
        return v
    if isinstance(v, float | np.floating):
        return {"$": "float", "v": repr(float(v))} if not math.isfinite(v) else float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if v is pd.NA:
        return {"$": "NA"}
    if v is pd.NaT:
        return {"$": "NaT"}
    if isinstance(v, pd.Timestamp):
        return {"$": "ts", "v": v.isoformat()}
    if isinstance(v, dt.datetime):
        return {"$": "datetime", "v": v.isoformat()}
    if isinstance(v, dt.date):
        return {"$": "date", "v": v.isoformat()}
    return str(v)  # anything exotic is kept as its text rather than lost or pickled


def _untag(v: Any) -> Any:
    if not isinstance(v, dict):
        return v
    t = v.get("$")
    if t == "float":
        return float(v["v"])
    if t == "NA":
        return pd.NA
    if t == "NaT":
        return pd.NaT
    if t == "ts":
        return pd.Timestamp(v["v"])
    if t == "datetime":
        return dt.datetime.fromisoformat(v["v"])
    if t == "date":
        return dt.date.fromisoformat(v["v"])
    raise ColumnFormatError(f"unknown cell type {t!r}")


# ----- decoding -------------------------------------------------------------------------------------------
def decode_series(col: EncodedColumn, n: int) -> pd.Series:
    """Rebuild a column of `n` rows; ColumnFormatError (never anything executed) if the record is bad."""
    try:
        s = _decode(col, n)
    except ColumnFormatError:
        raise
    except (ValueError, TypeError, KeyError, OverflowError, UnicodeDecodeError, AttributeError) as exc:
        raise ColumnFormatError(f"cannot decode a column of kind {col.kind!r}: {exc}") from exc
    except RecursionError as exc:  # JSON nested thousands deep, in the values or the dtype record
        raise ColumnFormatError(f"cannot decode a column of kind {col.kind!r}: it is nested too deeply") from exc
    if len(s) != n:
        raise ColumnFormatError(f"has {len(s)} values, expected {n}")
    return s


def _numpy_dtype(text: str) -> np.dtype:
    dtype = np.dtype(text)
    if dtype.kind not in NUMPY_KINDS or dtype.hasobject:
        raise ColumnFormatError(f"unsupported dtype {text!r}")
    return dtype


def _frombuffer(data: bytes, dtype: np.dtype, n: int) -> np.ndarray:
    if len(data) != n * dtype.itemsize:
        raise ColumnFormatError(f"holds {len(data)} bytes, expected {n * dtype.itemsize} for {n} values")
    return np.frombuffer(data, dtype=dtype).copy()


def _json_list(data: bytes, n: int) -> list[Any]:
    values = json.loads(data)
    if not isinstance(values, list):
        raise ColumnFormatError("does not hold a list of values")
    if len(values) != n:
        raise ColumnFormatError(f"holds {len(values)} values, expected {n}")
    return values


def _string_dtype(spec: dict[str, Any]) -> pd.StringDtype:
    na = np.nan if spec["na_value"] == "nan" else pd.NA
    try:
        return pd.StringDtype(storage=spec["storage"], na_value=na)
    except ImportError:  # saved where pyarrow was installed, opened where it is not: same text
        return pd.StringDtype(storage="python", na_value=na)


def _split(data: bytes, n: int) -> list[str]:
    """The n values of a joined text blob (an empty blob is one "" when n == 1, nothing when n == 0)."""
    values = data.decode("utf-8", "surrogatepass").split(SEP) if n else []
    if len(values) != n:
        raise ColumnFormatError(f"holds {len(values)} values, expected {n}")
    return values


def _decode_text(col: EncodedColumn, n: int) -> pd.Series:
    spec = json.loads(col.dtype)
    dtype = _string_dtype(spec)
    if col.kind == "text":
        values = np.array(_split(col.data, n), dtype=object)
        if col.mask is not None:
            values[_frombuffer(col.mask, np.dtype(bool), n)] = dtype.na_value
    else:
        m = spec["values"]
        if not isinstance(m, int) or isinstance(m, bool) or m < 0:
            raise ColumnFormatError(f"holds {m!r} distinct values")
        width = spec.get("codes", "<i4")
        if width not in CODE_TYPES:
            raise ColumnFormatError(f"unsupported code type {width!r}")
        codes = _frombuffer(col.mask or b"", np.dtype(width), n)
        if n and (codes.min() < -1 or codes.max() >= m):
            raise ColumnFormatError("value codes out of range")
        distinct = np.empty(m + 1, dtype=object)  # the last slot is what code -1 (missing) picks
        distinct[:m] = _split(col.data, m)
        distinct[m] = dtype.na_value
        values = distinct[codes]
    return pd.Series(values, dtype=dtype, copy=False)


def _decode(col: EncodedColumn, n: int) -> pd.Series:
    if col.kind == "numpy":
        return pd.Series(_frombuffer(col.data, _numpy_dtype(col.dtype), n))
    if col.kind in ("text", "text_dict"):
        return _decode_text(col, n)
    if col.kind == "string":
        spec = json.loads(col.dtype)
        values = _json_list(col.data, n)
        if not set(map(type, values)) <= {str, type(None)}:
            raise ColumnFormatError("a text column holds a value that is not text")
        return pd.Series(values, dtype=_string_dtype(spec))
    if col.kind == "masked":
        dtype = pd.api.types.pandas_dtype(col.dtype)
        if not _is_masked(dtype):
            raise ColumnFormatError(f"unsupported dtype {col.dtype!r}")
        values = _frombuffer(col.data, _numpy_dtype(dtype.numpy_dtype.str), n)
        mask = _frombuffer(col.mask or b"", np.dtype(bool), n)
        arr = pd.array(values, dtype=dtype)
        arr[mask] = pd.NA
        return pd.Series(arr)
    if col.kind == "datetimetz":
        dtype = pd.DatetimeTZDtype.construct_from_string(col.dtype)
        ints = _frombuffer(col.data, np.dtype("<i8"), n)
        naive = pd.Series(ints.view(f"M8[{dtype.unit}]"))
        return naive.dt.tz_localize("UTC").dt.tz_convert(dtype.tz)
    if col.kind == "categorical":
        spec = json.loads(col.dtype)
        c = spec["categories"]
        cats_col = EncodedColumn(c["kind"], c["dtype"], base64.b64decode(c["data"]),
                                 None if c["mask"] is None else base64.b64decode(c["mask"]))
        codes_dtype = _numpy_dtype(spec["codes"])
        codes = _frombuffer(col.data, codes_dtype, n)
        n_cats = c["count"] if "count" in c else _category_count(cats_col)
        if not isinstance(n_cats, int) or isinstance(n_cats, bool) or n_cats < 0:
            raise ColumnFormatError(f"holds {n_cats!r} categories")
        categories = pd.Index(decode_series(cats_col, n_cats))
        if len(codes) and (codes.min() < -1 or codes.max() >= len(categories)):
            raise ColumnFormatError("category codes out of range")
        return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories,
                                                                                     bool(spec["ordered"]))))
    if col.kind == "object":
        values = json.loads(col.data)
        if not isinstance(values, list) or len(values) != n:
            raise ColumnFormatError(f"does not hold a list of {n} values")
        return pd.Series([_untag(v) for v in values], dtype=object)
    raise ColumnFormatError(f"unknown column kind {col.kind!r}")


def _category_count(col: EncodedColumn) -> int:
    """Number of values in a nested categories record saved without its own count (before schema 3)."""
    if col.kind in ("string", "object"):
        values = json.loads(col.data)
        if not isinstance(values, list):
            raise ColumnFormatError("categories are not a list")
        return len(values)
    if col.kind == "numpy":
        return len(col.data) // max(_numpy_dtype(col.dtype).itemsize, 1)
    raise ColumnFormatError(f"unsupported categories kind {col.kind!r}")
