from .benchmarks import (
    Benchmark,
    BenchmarkSection,
    BenchmarkStatus,
    BenchmarkVersion,
    ContextFactor,
    GoodPracticeExample,
    GuideQuestion,
    KeyFactor,
)

__all__ = [
    "Benchmark",
    "BenchmarkSection",
    "BenchmarkStatus",
    "BenchmarkVersion",
    "ContextFactor",
    "GoodPracticeExample",
    "GuideQuestion",
    "KeyFactor",
]
