"""OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: one span per HTTP
request (Starlette instrumentation) with the GraphQL operation and its resolvers under it
(opened by the executor itself, so traced requests run the same path as the rest).

The packages are the optional `tracing` extra: `pip install -e '.[tracing]'`.
"""

from __future__ import annotations

from typing import Any

from resolvers.platform.settings import ConfigurationError, Settings

SERVICE_NAME = "gosi-selfservice"


def tracer_provider_for(settings: Settings, exporter: Any = None) -> Any:
    """A tracer provider exporting over OTLP/HTTP, or to `exporter` (tests); None when off."""
    if exporter is None and not settings.otel_exporter_otlp_endpoint:
        return None
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    except ImportError as exc:
        raise ConfigurationError(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry is not installed: "
            "pip install -e '.[tracing]'"
        ) from exc
    # Resource.create also reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = (settings.otel_exporter_otlp_endpoint or "").rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return provider


def tracer(provider: Any) -> Any:
    """The tracer the executor opens its spans with (schema/execution.py): the operation,
    and each resolver under it, never with its arguments (passwords, codes, tokens)."""
    return None if provider is None else provider.get_tracer("gosi.graphql")


def instrument(app: Any, provider: Any) -> None:
    from opentelemetry.instrumentation.starlette import StarletteInstrumentor

    StarletteInstrumentor.instrument_app(app, tracer_provider=provider)
