from django.apps import AppConfig


class BenchFlowConfig(AppConfig):
    name = "bench.benchflow"
    label = "benchflow"
    verbose_name = "Benchmark flow"
