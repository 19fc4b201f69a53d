"""The CPR adapter as one hub component: what it consumes, its settings, build and stand-in."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.cpr.client import CprClient
from adapters.cpr.settings import CprSettings, InvocationContext
from adapters.cpr.standin import CprStandin
from adapters.cpr.wiring import NAME, build_person_lookup
from contracts.person import PersonLookupRequested
from hub.runtime.component import (
    BuildContext,
    Component,
    ComponentSpec,
    SettingsField,
    Standin,
    StandinContext,
)
from hub.runtime.serve import serving

__all__ = ["COMPONENT"]

# Stable ids for the stand-in's agreements, so a restarted stand-in takes the same settings.
_STANDIN_IDS = uuid.UUID("0b0c3a55-6f2e-4d52-9a7e-6c1d9f3e2b10")


def _build(settings: CprSettings, context: BuildContext) -> Component:
    http = settings.http_client()
    register = CprClient.connect(http, settings)
    handler = build_person_lookup(
        register, context.publish, source=context.source, auditor=context.auditor(NAME)
    )
    return Component(NAME, handler, close=http.aclose)


@asynccontextmanager
async def _standin(context: StandinContext) -> AsyncIterator[Standin]:
    register = CprStandin()
    async with serving(register.asgi()) as url:
        contexts = {
            code: InvocationContext(
                service_agreement_uuid=uuid.uuid5(_STANDIN_IDS, f"agreement/{code}"),
                user_system_uuid=uuid.uuid5(_STANDIN_IDS, "casehub"),
                user_uuid=uuid.uuid5(_STANDIN_IDS, f"user/{code}"),
            )
            for code in context.municipalities
        }
        settings = CprSettings(base_url=url, invocation_contexts=contexts, timeout_s=5.0)
        yield Standin("CPR (SF1520 SOAP)", url, register, settings, register.set_down)


COMPONENT: ComponentSpec[CprSettings] = ComponentSpec(
    name=NAME,
    consumes=(PersonLookupRequested,),
    build=_build,
    settings=SettingsField(
        CprSettings | None, None, "The CPR adapter (SF1520), as JSON; absent: not run."
    ),
    standin=_standin,
)
