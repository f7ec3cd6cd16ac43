"""The words of an invitation text: a link, or the first question of a conversation.

Conversation mode (one question per text) covers the instruments at the start of the questionnaire that
are marked for it and ship their own wording; the first long or licensed instrument after them is
reached by a link to the web questionnaire, which resumes where the texts stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

import scoring
from prom_service.channels.sms.reply import render_options
from prom_service.channels.sms.templates import SmsTemplates
from prom_service.domain.outcome_set import OutcomeSet, SmsMode


@dataclass(frozen=True)
class Programme:
    name: str
    help_contact: str

    @classmethod
    def from_settings(cls, settings) -> Programme:
        return cls(settings["sms.programme_name"], settings["sms.help_contact"])


def by_text(outcome_set: OutcomeSet, instruments: list[str]) -> list[str]:
    """The leading instruments that can be asked one question per text."""
    modes = {request.instrument: request.sms_mode for request in outcome_set.instruments}
    leading = []
    for name in instruments:
        if modes.get(name) is not SmsMode.CONVERSATION or not scoring.instruments(name).wording_redistributable:
            break
        leading.append(name)
    return leading


def sms_mode(outcome_set: OutcomeSet, instruments: list[str]) -> SmsMode:
    """Conversation when the questionnaire starts with an instrument that can be asked by text."""
    return SmsMode.CONVERSATION if by_text(outcome_set, instruments) else SmsMode.LINK


def option_pairs(item) -> list[tuple[int, str]]:
    """An item's options as (value, label) pairs, the shape the SMS reply parser reads."""
    return [(option.value, option.label or str(option.value)) for option in item.options]


def reply_options(templates: SmsTemplates, language: str, item) -> str:
    """`Reply 0 Not at all, 1 Several days, …`, or `Reply 0-10` for a numeric item."""
    lead = templates.render("reply_lead", language)
    return render_options(option_pairs(item), lead=lead) if item.options else f"{lead} {item.min}-{item.max}"


def question_text(templates: SmsTemplates, language: str, instruments: list[str], position: tuple[str, str]) -> str:
    """`3/9 Feeling tired or having little energy? Reply 0 Not at all, 1 Several days, …`

    `instruments` are the ones asked by text; the numbering counts their items only.
    """
    order = [(name, item) for name in instruments for item in scoring.instruments(name).item_ids]
    instrument, item_id = position
    item = next(i for i in scoring.instruments(instrument).items if i.id == item_id)
    return templates.render("question", language, number=order.index(position) + 1, total=len(order),
                            text=item.text, options=reply_options(templates, language, item))


def invitation_text(
    templates: SmsTemplates, programme: Programme, language: str, outcome_set: OutcomeSet, instruments: list[str],
    link: str,
) -> tuple[SmsMode, str]:
    """The first text of an invitation and the mode it starts."""
    texted = by_text(outcome_set, instruments)
    if not texted:
        return SmsMode.LINK, templates.render("invitation", language, programme=programme.name, link=link)
    total = sum(len(scoring.instruments(name).item_ids) for name in texted)
    intro = templates.render("conversation_intro", language, programme=programme.name, count=total)
    first = (texted[0], scoring.instruments(texted[0]).item_ids[0])
    return SmsMode.CONVERSATION, f"{intro}\n{question_text(templates, language, texted, first)}"
