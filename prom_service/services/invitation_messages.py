"""The words of an invitation text: a link, or the first question of a conversation.

Conversation mode (one question per text) is used only when every instrument asked is marked for it
and ships its own wording; anything long or licensed goes as a link to the web questionnaire.
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


def sms_mode(outcome_set: OutcomeSet, instruments: list[str]) -> SmsMode:
    """Conversation only if every instrument asks for it and may be shown in our own words."""
    modes = {request.instrument: request.sms_mode for request in outcome_set.instruments}
    conversational = all(
        modes.get(name) is SmsMode.CONVERSATION and scoring.instruments(name).wording_redistributable
        for name in instruments
    )
    return SmsMode.CONVERSATION if conversational else SmsMode.LINK


def option_pairs(item) -> list[tuple[int, str]]:
    """An item's options as (value, label) pairs, the shape the SMS reply parser reads."""
    return [(option.value, option.label or str(option.value)) for option in item.options]


def reply_options(templates: SmsTemplates, language: str, item) -> str:
    """`Reply 0 Not at all, 1 Several days, …`, or `Reply 0-10` for a numeric item."""
    lead = templates.render("reply_lead", language)
    return render_options(option_pairs(item), lead=lead) if item.options else f"{lead} {item.min}-{item.max}"


def question_text(templates: SmsTemplates, language: str, instruments: list[str], position: tuple[str, str]) -> str:
    """`3/9 Feeling tired or having little energy? Reply 0 Not at all, 1 Several days, …`"""
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
    if sms_mode(outcome_set, instruments) is SmsMode.LINK:
        return SmsMode.LINK, templates.render("invitation", language, programme=programme.name, link=link)
    total = sum(len(scoring.instruments(name).item_ids) for name in instruments)
    intro = templates.render("conversation_intro", language, programme=programme.name, count=total)
    first = (instruments[0], scoring.instruments(instruments[0]).item_ids[0])
    return SmsMode.CONVERSATION, f"{intro}\n{question_text(templates, language, instruments, first)}"
