"""The child and the custody holders as the CPR register has them when the package is made."""

from __future__ import annotations

from adapters.cpr.port import Address, PersonRecord, PersonRegister
from adapters.handover.manifest import Party, PartyRole
from contracts.cpr import Cpr

__all__ = ["parties_of"]


async def parties_of(
    register: PersonRegister | None, child: Cpr, *, municipality: str
) -> tuple[Party, ...]:
    """The child first, then each custody holder the register names by CPR number.

    Without a register the child alone, by CPR number. A protected address stays out.

    Raises:
        PersonNotFoundError, RegisterUnavailableError, RegisterRefusedError: the register's.

    """
    if register is None:
        return (Party(role=PartyRole.CHILD, cpr=child),)
    record = await register.lookup(child, municipality=municipality)
    parties = [_party(PartyRole.CHILD, record)]
    for holder in record.custody_holders:
        if holder.cpr is not None:
            found = await register.lookup(holder.cpr, municipality=municipality)
            parties.append(_party(PartyRole.CUSTODY_HOLDER, found))
    return tuple(parties)


def _party(role: PartyRole, record: PersonRecord) -> Party:
    return Party(
        role=role,
        cpr=record.cpr,
        name=record.name,
        address=None if record.address is None else _line(record.address),
        address_protected=record.address_protected,
    )


def _line(address: Address) -> str:
    unit = " ".join(part for part in (address.floor, address.door) if part)
    street = f"{address.street} {address.house_number}" + (f", {unit}" if unit else "")
    care_of = f"c/o {address.care_of}, " if address.care_of else ""
    return f"{care_of}{street}, {address.postcode} {address.city}"
