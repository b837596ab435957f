"""People writing to the bot: the updates a test injects, shaped as Telegram sends them.

Each `*_update` method builds an update (for `FakeBotApi.deliver`, which has the bot
process it at once); each `send_*` / `press_button` queues one for the bot's next
getUpdates. Whatever a person writes is also kept in its chat, so that a later reply or
copyMessage can refer to it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from .records import Chat, Json, user_json
from .state import TelegramState

PHOTO_SIZES = ((90, 67), (320, 240), (1280, 960))
"""The sizes Telegram offers a photo in, smallest first."""


class People(TelegramState):
    """Patients and staff, as Telegram relays what they do."""

    def text_update(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str = "Anna",
        username: str | None = None,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        edited: bool = False,
    ) -> Json:
        """A text message from `user_id`, in their private chat unless `chat_id` names a
        declared group; `thread_id` puts it in a forum topic, `reply_to` makes it a reply
        to that message of the same chat (with its text). Commands get their
        `bot_command` entity."""
        with self._lock:
            chat, message = self._message(user_id, first_name, username, chat_id, thread_id)
            message.update(_text_content(text))
            self._reply(chat, message, reply_to)
            self._post(chat, message, by_bot=False)
            if edited:
                message["edit_date"] = int(time.time())
                return self._update(edited_message=message)
            return self._update(message=message)

    def photo_update(
        self,
        user_id: int,
        *,
        caption: str | None = None,
        first_name: str = "Anna",
        username: str | None = None,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> Json:
        """A photo (in Telegram's three sizes, each with its own file id), with a caption
        if given."""
        with self._lock:
            chat, message = self._message(user_id, first_name, username, chat_id, thread_id)
            message.update(self._media("photo"))
            if caption is not None:
                message["caption"] = caption
            self._reply(chat, message, reply_to)
            self._post(chat, message, by_bot=False)
            return self._update(message=message)

    def media_update(
        self,
        user_id: int,
        kind: str,
        *,
        caption: str | None = None,
        first_name: str = "Anna",
        username: str | None = None,
        chat_id: int | None = None,
    ) -> Json:
        """A photo, sticker, voice, document, location, ... message (see `MEDIA_KINDS`)."""
        if kind == "photo":
            return self.photo_update(
                user_id, caption=caption, first_name=first_name, username=username, chat_id=chat_id
            )
        with self._lock:
            chat, message = self._message(user_id, first_name, username, chat_id, None)
            message.update(self._media(kind))
            if caption is not None:
                message["caption"] = caption
            self._post(chat, message, by_bot=False)
            return self._update(message=message)

    def edit_update(self, chat_id: int, message_id: int, text: str) -> Json:
        """The person who wrote message `message_id` in `chat_id` edits it to `text`."""
        with self._lock:
            posted = self._stored(chat_id, message_id)
            if posted is None or posted.by_bot:
                raise ValueError(f"no message {message_id} from a person in chat {chat_id}")
            edited = {key: value for key, value in posted.json.items() if key != "entities"}
            edited.update(_text_content(text), edit_date=int(time.time()))
            posted.json = edited
            return self._update(edited_message=edited)

    def button_update(
        self,
        user_id: int,
        data: str,
        *,
        message_id: int | None = None,
        chat_id: int | None = None,
        first_name: str = "Anna",
        username: str | None = None,
    ) -> Json:
        """A press on an inline button with callback `data`, under message `message_id`
        of `chat_id` (the user's private chat unless given; by default the newest message
        sent there with buttons). The data is not checked against the buttons, so a test
        can press an old button or forge one."""
        with self._lock:
            chat = self._chat(chat_id if chat_id is not None else user_id)
            if message_id is None:
                pressed = self.last_message_with_buttons(chat.id)
                message_id = int(pressed["message_id"]) if pressed else None
            posted = self._stored(chat.id, message_id) if message_id is not None else None
            message = dict(posted.json) if posted else self._unknown_message(chat, message_id)
            query_id = str(self._next_callback_id())
            self._open_queries.add(query_id)
            query = {
                "id": query_id,
                "from": user_json(user_id, first_name, username),
                "chat_instance": str(chat.id),
                "message": message,
                "data": data,
            }
            return self._update(callback_query=query)

    def send_text(self, user_id: int, text: str, **kwargs: Any) -> Json:
        """Queue a text message for the bot's next getUpdates (see `text_update`)."""
        return self.queue(self.text_update(user_id, text, **kwargs))

    def send_photo(self, user_id: int, **kwargs: Any) -> Json:
        """Queue a photo (see `photo_update`)."""
        return self.queue(self.photo_update(user_id, **kwargs))

    def send_media(self, user_id: int, kind: str, **kwargs: Any) -> Json:
        """Queue a non-text message (see `media_update`)."""
        return self.queue(self.media_update(user_id, kind, **kwargs))

    def send_edit(self, chat_id: int, message_id: int, text: str) -> Json:
        """Queue an edit of a person's message (see `edit_update`)."""
        return self.queue(self.edit_update(chat_id, message_id, text))

    def press_button(self, user_id: int, data: str, **kwargs: Any) -> Json:
        """Queue a button press (see `button_update`)."""
        return self.queue(self.button_update(user_id, data, **kwargs))

    def queue(self, update: Json) -> Json:
        """Queue an update for getUpdates. Update ids only grow, as Telegram's do: an
        update built before one already queued gets a new id."""
        with self._lock:
            if update["update_id"] <= self._highest_queued_id:
                update["update_id"] = self._next_update_id()
            self._highest_queued_id = update["update_id"]
            self._pending.append(update)
            self._queued.notify_all()
        return update

    # --- building blocks ----------------------------------------------------------------

    def _message(
        self,
        user_id: int,
        first_name: str,
        username: str | None,
        chat_id: int | None,
        thread_id: int | None,
    ) -> tuple[Chat, Json]:
        where = chat_id if chat_id is not None else user_id
        if where != user_id and where not in self._chats:
            raise ValueError(f"declare chat {where} with api.chat(...) first")
        chat = self._chat(where)
        if chat.type == "private":
            chat.first_name, chat.username = first_name, username
        if thread_id is not None and thread_id not in chat.topics:
            raise ValueError(f"chat {chat.id} has no forum topic {thread_id}")
        sender = user_json(user_id, first_name, username)
        return chat, self._new_message(chat, sender, thread_id)

    def _reply(self, chat: Chat, message: Json, reply_to: int | None) -> None:
        replied = self._stored(chat.id, reply_to) if reply_to is not None else None
        if reply_to is not None and replied is None:
            raise ValueError(f"chat {chat.id} has no message {reply_to}")
        self._link_reply(chat, message, replied)

    def _unknown_message(self, chat: Chat, message_id: int | None) -> Json:
        return {
            "message_id": message_id or 1,
            "date": int(time.time()),
            "chat": chat.json(),
            "from": self._bot_user(),
            "text": "",
        }

    def _media(self, kind: str) -> Json:
        number = self._next_file_number()
        if kind == "photo":
            sizes = [
                {**self._file(f"photo-{number}-{width}"), "width": width, "height": height}
                for width, height in PHOTO_SIZES
            ]
            return {"photo": sizes}
        content = dict(_MEDIA[kind])
        if kind in _FILE_KINDS:
            content[kind] = {**content[kind], **self._file(f"{kind}-{number}")}
        return content

    def _file(self, file_id: str) -> Json:
        unique = {"file_id": file_id, "file_unique_id": f"unique-{file_id}"}
        self._files[file_id] = unique
        return unique

    def _update(self, **content: Json) -> Json:
        return {"update_id": self._next_update_id(), **content}


def _text_content(text: str) -> Json:
    content: Json = {"text": text}
    if text.startswith("/"):
        command = text.split()[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return content


_MEDIA: Mapping[str, Json] = {
    "photo": {},
    "sticker": {
        "sticker": {
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    },
    "voice": {"voice": {"duration": 3}},
    "video": {"video": {"width": 90, "height": 90, "duration": 3}},
    "document": {"document": {"file_name": "notes.pdf"}},
    "location": {"location": {"latitude": 51.5, "longitude": -0.12}},
    "contact": {"contact": {"phone_number": "+440000", "first_name": "Anna"}},
}
_FILE_KINDS = ("sticker", "voice", "video", "document")
MEDIA_KINDS: Sequence[str] = tuple(_MEDIA)
