"""The fake Bot API's chats, through a real python-telegram-bot `Bot`: what staff talking
to patients needs (forum topics, copyMessage, replies, buttons in a group, edits, command
menus per scope) answers as Telegram does; the updates a test injects read as Telegram's,
and getUpdates serves them as Telegram does (ids that only grow, offsets that confirm)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from fake_bot_api import LONG_POLL_CAP_SECONDS, FakeBotApi, Json
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest

ANNA = 1001
BEN = 1002
NURSE = 42
STAFF_GROUP = -100500
STAFF_FORUM = -100600
ACK = InlineKeyboardMarkup([[InlineKeyboardButton("I'm on it", callback_data="ack:1")]])


@pytest.fixture
def api() -> FakeBotApi:
    fake = FakeBotApi()
    fake.chat(STAFF_GROUP, "supergroup", "Clinic staff")
    fake.chat(STAFF_FORUM, "supergroup", "Clinic desk", is_forum=True)
    return fake


def bot_for(api: FakeBotApi) -> Bot:
    return Bot("123:TEST", request=api.request(), get_updates_request=api.request())


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with bot_for(api) as started:
        yield started


def read(update: Json, bot: Bot) -> Update:
    return Update.de_json(update, bot)


# --- chats and topics ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chat_type", "is_forum"), [("private", False), ("group", False), ("supergroup", False)]
)
async def test_get_chat_tells_the_chats_type(
    bot: Bot, api: FakeBotApi, chat_type: str, is_forum: bool
) -> None:
    api.chat(-7, chat_type, "A chat", is_forum=is_forum)
    chat = await bot.get_chat(-7)
    assert (chat.type, chat.title, bool(chat.is_forum)) == (chat_type, "A chat", is_forum)


async def test_get_chat_says_a_forum_is_a_forum(bot: Bot) -> None:
    assert (await bot.get_chat(STAFF_FORUM)).is_forum


async def test_get_chat_of_a_group_telegram_does_not_know_is_chat_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat(-999)


async def test_only_a_supergroup_can_be_declared_a_forum(api: FakeBotApi) -> None:
    with pytest.raises(ValueError, match="supergroup"):
        api.chat(-8, "group", "Old group", is_forum=True)


async def test_a_new_forum_topic_gets_a_thread_that_messages_land_in(
    bot: Bot, api: FakeBotApi
) -> None:
    topic = await bot.create_forum_topic(STAFF_FORUM, "Anna, id 1001")
    other = await bot.create_forum_topic(STAFF_FORUM, "Ben, id 1002")
    sent = await bot.send_message(
        STAFF_FORUM, "About Anna", message_thread_id=topic.message_thread_id
    )
    assert api.topics(STAFF_FORUM) == {
        topic.message_thread_id: "Anna, id 1001",
        other.message_thread_id: "Ben, id 1002",
    }
    assert sent.is_topic_message and sent.message_thread_id == topic.message_thread_id
    assert api.texts(STAFF_FORUM, thread_id=topic.message_thread_id) == ["About Anna"]
    assert api.texts(STAFF_FORUM, thread_id=other.message_thread_id) == []


async def test_a_topic_in_a_chat_that_is_not_a_forum_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="not a forum"):
        await bot.create_forum_topic(STAFF_GROUP, "Anna")


async def test_a_message_to_a_topic_that_does_not_exist_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="thread not found"):
        await bot.send_message(STAFF_FORUM, "lost", message_thread_id=77)


# --- copies --------------------------------------------------------------------------------


async def test_a_patients_photo_is_copied_into_a_staff_topic_without_a_download(
    bot: Bot, api: FakeBotApi
) -> None:
    photo = api.photo_update(ANNA, caption="my chin today")["message"]
    topic = await bot.create_forum_topic(STAFF_FORUM, "Anna")
    copied = await bot.copy_message(
        STAFF_FORUM, ANNA, photo["message_id"], message_thread_id=topic.message_thread_id
    )
    [copy] = api.copies(STAFF_FORUM)
    assert copy.message_id == copied.message_id
    assert (copy.from_chat_id, copy.from_message_id) == (ANNA, photo["message_id"])
    assert copy.thread_id == topic.message_thread_id
    assert copy.content == {"photo": photo["photo"], "caption": "my chin today"}
    assert api.calls_to("getFile") == [] and api.calls_to("downloadFile") == []


async def test_a_copy_shows_among_the_messages_of_its_topic(bot: Bot, api: FakeBotApi) -> None:
    photo = api.photo_update(ANNA)["message"]
    topic = await bot.create_forum_topic(STAFF_FORUM, "Anna")
    thread_id = topic.message_thread_id
    await bot.copy_message(STAFF_FORUM, ANNA, photo["message_id"], message_thread_id=thread_id)
    [shown] = api.messages(STAFF_FORUM, thread_id=thread_id)
    assert shown["photo"] == photo["photo"]


async def test_copying_a_message_that_does_not_exist_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Message to copy not found"):
        await bot.copy_message(STAFF_GROUP, ANNA, 404)


# --- replies -------------------------------------------------------------------------------


async def test_a_reply_from_the_bot_carries_the_message_it_answers(
    bot: Bot, api: FakeBotApi
) -> None:
    question = api.text_update(ANNA, "is this normal?")["message"]
    reply = await bot.send_message(
        ANNA, "Yes.", reply_parameters=ReplyParameters(question["message_id"])
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "is this normal?"


async def test_a_reply_to_a_message_that_does_not_exist_is_refused_unless_allowed(
    bot: Bot, api: FakeBotApi
) -> None:
    with pytest.raises(BadRequest, match="replied not found"):
        await bot.send_message(ANNA, "Yes.", reply_to_message_id=404)
    await bot.send_message(
        ANNA, "Yes anyway.", reply_parameters=ReplyParameters(404, allow_sending_without_reply=True)
    )
    assert api.texts(ANNA) == ["Yes anyway."]


async def test_a_staff_reply_in_the_group_points_at_the_bots_alert_and_its_text(
    bot: Bot, api: FakeBotApi
) -> None:
    alert = await bot.send_message(STAFF_GROUP, "Warning sign: Anna, day 3")
    update = api.text_update(
        NURSE,
        "Anna, I'll call you",
        first_name="Nora",
        chat_id=STAFF_GROUP,
        reply_to=alert.message_id,
    )
    message = read(update, bot).message
    assert message is not None and message.reply_to_message is not None
    assert message.reply_to_message.text == "Warning sign: Anna, day 3"
    assert message.reply_to_message.from_user is not None
    assert message.reply_to_message.from_user.id == bot.id
    assert message.chat.type == "supergroup" and message.from_user is not None


async def test_a_message_in_a_forum_topic_replies_to_the_topics_first_message(
    bot: Bot, api: FakeBotApi
) -> None:
    topic = await bot.create_forum_topic(STAFF_FORUM, "Anna")
    update = api.text_update(NURSE, "/done", chat_id=STAFF_FORUM, thread_id=topic.message_thread_id)
    message = read(update, bot).message
    assert message is not None and message.is_topic_message
    assert message.message_thread_id == topic.message_thread_id
    assert message.reply_to_message is not None
    assert message.reply_to_message.forum_topic_created is not None


async def test_a_reply_in_a_forum_lands_in_the_replied_messages_topic(
    bot: Bot, api: FakeBotApi
) -> None:
    topic = await bot.create_forum_topic(STAFF_FORUM, "Anna")
    alert = await bot.send_message(
        STAFF_FORUM, "Anna: pus", message_thread_id=topic.message_thread_id
    )
    update = api.text_update(NURSE, "on it", chat_id=STAFF_FORUM, reply_to=alert.message_id)
    message = read(update, bot).message
    assert message is not None and message.message_thread_id == topic.message_thread_id


def test_a_person_cannot_write_in_a_group_that_was_not_declared(api: FakeBotApi) -> None:
    with pytest.raises(ValueError, match="declare chat"):
        api.text_update(NURSE, "hello", chat_id=-12345)


# --- buttons and edits ---------------------------------------------------------------------


async def test_a_staff_press_in_the_group_carries_the_message_it_was_under(
    bot: Bot, api: FakeBotApi
) -> None:
    alert = await bot.send_message(STAFF_GROUP, "Warning sign: Anna", reply_markup=ACK)
    query = read(api.button_update(NURSE, "ack:1", chat_id=STAFF_GROUP), bot).callback_query
    assert query is not None and query.from_user.id == NURSE and query.data == "ack:1"
    assert query.message is not None and query.message.message_id == alert.message_id
    assert query.message.chat.id == STAFF_GROUP


async def test_a_button_press_is_answered_once(bot: Bot, api: FakeBotApi) -> None:
    await bot.send_message(ANNA, "Pick one", reply_markup=ACK)
    query_id = api.button_update(ANNA, "ack:1")["callback_query"]["id"]
    assert await bot.answer_callback_query(query_id, "Noted")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)


async def test_editing_the_text_changes_what_the_chat_shows_and_drops_buttons_left_out(
    bot: Bot, api: FakeBotApi
) -> None:
    alert = await bot.send_message(STAFF_GROUP, "Warning sign: Anna", reply_markup=ACK)
    await bot.edit_message_text("Taken by Nora at 14:32", STAFF_GROUP, alert.message_id)
    [shown] = api.messages(STAFF_GROUP)
    assert shown["text"] == "Taken by Nora at 14:32" and "reply_markup" not in shown
    assert api.texts(STAFF_GROUP) == ["Warning sign: Anna"]


async def test_an_edit_can_keep_the_buttons(bot: Bot, api: FakeBotApi) -> None:
    alert = await bot.send_message(STAFF_GROUP, "Warning sign", reply_markup=ACK)
    await bot.edit_message_text("Waiting 15 min", STAFF_GROUP, alert.message_id, reply_markup=ACK)
    assert api.messages(STAFF_GROUP)[0]["reply_markup"] == ACK.to_dict()


async def test_an_edit_that_changes_nothing_is_refused(bot: Bot) -> None:
    sent = await bot.send_message(ANNA, "same")
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("same", ANNA, sent.message_id)


async def test_editing_a_message_that_does_not_exist_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("new", ANNA, 404)


async def test_an_edited_message_keeps_its_id_and_carries_the_new_text(
    bot: Bot, api: FakeBotApi
) -> None:
    first = api.text_update(ANNA, "my skin is red")["message"]
    edited = read(api.edit_update(ANNA, first["message_id"], "my skin is red and hot"), bot)
    assert edited.edited_message is not None
    assert edited.edited_message.message_id == first["message_id"]
    assert edited.edited_message.text == "my skin is red and hot"


# --- what people send ----------------------------------------------------------------------


async def test_a_photo_comes_in_three_sizes_each_with_its_own_file_id(
    bot: Bot, api: FakeBotApi
) -> None:
    message = read(api.photo_update(ANNA, caption="day 3"), bot).message
    assert message is not None and message.caption == "day 3"
    sizes = message.photo
    assert len({size.file_id for size in sizes}) == 3
    assert [size.width for size in sizes] == sorted(size.width for size in sizes)


async def test_a_command_in_a_group_has_its_bot_command_entity(bot: Bot, api: FakeBotApi) -> None:
    update = api.text_update(NURSE, "/done@aftercare_test_bot", chat_id=STAFF_GROUP)
    message = read(update, bot).message
    assert message is not None
    assert [entity.type for entity in message.entities] == ["bot_command"]


async def test_command_menus_are_kept_per_scope(bot: Bot, api: FakeBotApi) -> None:
    staff_scope = BotCommandScopeChat(STAFF_GROUP)
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands([BotCommand("stats", "Figures")], scope=staff_scope)
    assert [c.command for c in await bot.get_my_commands(scope=staff_scope)] == ["stats"]
    assert [c["command"] for c in api.commands] == ["start"]
    await bot.delete_my_commands(scope=staff_scope)
    assert api.commands_for(staff_scope.to_dict()) == []
    assert [c["command"] for c in api.commands] == ["start"]


# --- updates and offsets -------------------------------------------------------------------


async def test_an_update_not_confirmed_is_served_again_after_a_restart(api: FakeBotApi) -> None:
    api.send_text(ANNA, "/start")
    api.send_text(BEN, "/start")
    async with bot_for(api) as before_the_crash:
        fetched = [u.update_id for u in await before_the_crash.get_updates()]
    async with bot_for(api) as restarted:
        assert [u.update_id for u in await restarted.get_updates()] == fetched
        assert await restarted.get_updates(offset=fetched[-1] + 1) == ()
    assert api.pending_updates == 0


async def test_an_offset_confirms_every_update_below_it_and_no_other(
    bot: Bot, api: FakeBotApi
) -> None:
    ids = [api.send_text(ANNA, text)["update_id"] for text in ("one", "two", "three")]
    served = await bot.get_updates(offset=ids[1])
    assert [u.update_id for u in served] == ids[1:]
    assert api.pending_update_ids() == ids[1:]


async def test_update_ids_only_grow_even_for_an_update_built_before_another_was_queued(
    api: FakeBotApi,
) -> None:
    built_first = api.text_update(ANNA, "first")
    queued = api.send_text(BEN, "second")
    api.queue(built_first)
    assert built_first["update_id"] > queued["update_id"]
    assert api.pending_update_ids() == sorted(api.pending_update_ids())


async def test_a_long_poll_with_nothing_to_serve_ends_at_the_cap(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=30) == ()
    assert LONG_POLL_CAP_SECONDS <= time.monotonic() - started < 2


async def test_a_long_poll_returns_an_update_that_arrives_while_it_waits(
    bot: Bot, api: FakeBotApi
) -> None:
    polling = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.02)
    sent = api.send_text(ANNA, "hello?")
    assert [u.update_id for u in await polling] == [sent["update_id"]]
