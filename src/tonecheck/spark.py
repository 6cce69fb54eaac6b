"""Check a text column of a Spark DataFrame (the optional ``spark`` extra).

    pip install "tonecheck[spark]"

    >>> from tonecheck.spark import check_column
    >>> result = check_column(spark.table("farewells"), text_col="body", id_col="msg_id")  # doctest: +SKIP
    >>> result.select("msg_id", "lang", "findings.rule", "error").show()                   # doctest: +SKIP

The result has one row per input row, like the lines of ``tonecheck batch``: the id column
as it was, ``lang``, ``findings`` (an array of structs, see :data:`FINDING_FIELDS`),
``error`` (null, or why the row could not be checked) and, with ``rewrite=True``,
``rewrite``. A bad row (null or empty text, a text over the size limit, a failure inside
the linter) gets its ``error`` and never stops the job. Join back on the id for the
other columns.

The rows go through ``mapInPandas`` to the per-record function of ``tonecheck batch``
(:func:`tonecheck.batch.check_record`), so both give the same results. Each executor
Python process builds its :class:`tonecheck.Linter` once (rules on its first task, the
tone model on its first check) and keeps it for every later task and job, as long as
Spark reuses its Python workers (``spark.python.worker.reuse``, on by default). The tone
model uses ``spark.task.cpus`` threads per task unless ``OMP_NUM_THREADS`` is set.

On a cluster, tonecheck with the extra (and the built tone encoder, ``tonecheck models
build``, when ``model=True``) must be installed on every executor, and ``rule-paths`` of
``config`` must exist at the same paths there. pyspark is imported only when this module
is used: ``import tonecheck`` never needs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .batch import BatchOptions, check_record, limit_threads, shared_linter
from .config import Config
from .errors import InputError, TonecheckError

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType

__all__ = ["FINDING_FIELDS", "SparkUnavailable", "check_column", "result_schema"]

#: The fields of each element of the ``findings`` column, as Spark DDL.
FINDING_FIELDS = (
    "rule string, severity string, message string, start int, end int, line int, column int, "
    "confidence double, source string, "
    "suggestions array<struct<description: string, edits: array<struct<start: int, end: int, text: string>>>>, "
    "evidence array<string>"
)

_OUTPUT_FIELDS = ("lang", "findings", "error")
_LANGS = (None, "auto", "ro", "en")


class SparkUnavailable(TonecheckError, ImportError):
    """The ``spark`` extra (pyspark, pandas, pyarrow) is not installed."""


def _require_spark() -> None:
    missing = []
    for name in ("pyspark", "pandas", "pyarrow"):
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise SparkUnavailable(f"tonecheck.spark needs {', '.join(missing)}: pip install 'tonecheck[spark]'")


def result_schema(df: DataFrame, id_col: str = "id", rewrite: bool = False) -> StructType:
    """The schema of :func:`check_column`'s result for ``df``: the id column (its own
    type), ``lang``, ``findings``, ``error`` and, with ``rewrite``, ``rewrite``."""
    _require_spark()
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    fields = [
        df.schema[id_col],
        StructField("lang", StringType()),
        StructField("findings", ArrayType(StructType.fromDDL(FINDING_FIELDS), containsNull=False)),
        StructField("error", StringType()),
    ]
    if rewrite:
        fields.append(StructField("rewrite", StringType()))
    return StructType(fields)


def check_column(df: DataFrame, text_col: str = "text", id_col: str = "id", lang: str | None = None, *,
                 model: bool = True, grammar: bool = False, rewrite: bool = False,
                 config: Config | None = None) -> DataFrame:
    """Check the drafts in ``df[text_col]``; one result row per input row (lazy, like any
    DataFrame transformation).

    ``id_col`` is carried through unchanged to join the results back. ``lang``: ``auto``,
    ``ro``, ``en``, or None for the config's (``auto`` by default). ``model``: the tone
    model as well as the rules; ``grammar``: LanguageTool's rules (slow); ``rewrite``: add
    the revised draft; ``config``: a :class:`tonecheck.Config` (default: the built-in
    defaults; see :func:`tonecheck.load_config`), shipped to the executors with the task.

    Raises :class:`SparkUnavailable` without the extra, :class:`InputError` when a column
    is missing, ``ValueError`` for a bad ``lang``.
    """
    _require_spark()
    if lang not in _LANGS:
        raise ValueError(f"lang must be auto, ro, en or None, not {lang!r}")
    for col in (text_col, id_col):
        if col not in df.columns:
            raise InputError(f"no column {col!r} in the DataFrame (columns: {', '.join(df.columns)})")
    if id_col == text_col:
        raise InputError("the id and text columns must differ")
    if id_col in _OUTPUT_FIELDS or id_col == "rewrite":
        raise InputError(f"the id column cannot be called {id_col!r}: the result has a column of that name")
    schema = result_schema(df, id_col, rewrite)
    opts = BatchOptions(id_field=id_col, text_field=text_col, lang=lang, model=model, grammar=grammar,
                        rewrite=rewrite)
    return df.select(id_col, text_col).mapInPandas(_Checker(config or Config(), opts, schema.fieldNames()), schema)


class _Checker:
    """The function that runs on the executors (pickled with its config and options)."""

    def __init__(self, config: Config, opts: BatchOptions, columns: list[str]) -> None:
        self.config = config
        self.opts = opts
        self.columns = columns

    def __call__(self, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd
        from pyspark import TaskContext

        context = TaskContext.get()
        limit_threads(context.cpus() if context is not None else 1)
        linter = shared_linter(self.config, self.opts)
        id_col, text_col = self.opts.id_field, self.opts.text_field
        for batch in batches:
            rows = [check_record(linter, {"id": None, "text": text}, self.opts) for text in batch[text_col]]
            out: dict[str, Any] = {id_col: batch[id_col]}
            for name in self.columns[1:]:
                out[name] = [row.get(name) for row in rows]
            yield pd.DataFrame(out, index=batch.index)

