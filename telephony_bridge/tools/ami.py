"""Asterisk Manager Interface (AMI): protocol encoding and call tracking (no Odoo import).

AMI is a line protocol over TCP: a banner line, then messages of ``Key: Value`` lines
ending with an empty line. :class:`AmiCallTracker` turns the channel events of one
call (Newchannel, DialBegin, BridgeEnter, Hangup, grouped by ``Linkedid``) into the
:class:`~.call_events.CallEvent` objects the webhook uses, so both feed one logic.
"""

import posixpath
import re
import socket
import uuid
from datetime import datetime, timezone
from urllib.parse import quote

from . import call_events

# internal extensions are short numbers; longer ones come from a trunk
_EXTENSION = re.compile(r"^\d{2,6}$")
_CHANNEL_PEER = re.compile(r"^[A-Za-z0-9]+/([^-@/]+)")

# Click-to-dial: the Originate sets the Uniqueid of the agent's channel (ChannelId, also
# its ActionID) to this prefix and a random part, so the call it starts is known as
# the agent's outgoing call whatever caller-ID the PBX shows on it.
CLICK_TO_DIAL_PREFIX = "odoo-c2d-"
# OriginateResponse "Reason": the last control frame of the agent's channel (Asterisk's
# AST_CONTROL_*): 0 no channel, 1 hung up / rejected, 3 still ringing (no answer),
# 4 answered, 5 busy, 8 congestion.
ORIGINATE_REASONS = {
    "0": call_events.CAUSE_FAILED,
    "1": call_events.CAUSE_FAILED,
    "3": call_events.CAUSE_FAILED,
    "5": call_events.CAUSE_BUSY,
    "8": call_events.CAUSE_FAILED,
}


# MixMonitor sets this channel variable to the file it records to (AMI VarSet event)
RECORDING_VARIABLE = "MIXMONITOR_FILENAME"
MONITOR_DIR = "/var/spool/asterisk/monitor/"  # Asterisk's astspooldir/monitor


def recording_url(pattern, filename):
    """The address of the monitor file ``filename`` through ``pattern`` (``{file}``: its
    name, ``{path}``: its path under the monitor folder), or None without a pattern."""
    filename = (filename or "").strip()
    if not pattern or not filename:
        return None
    path = filename[len(MONITOR_DIR) :] if filename.startswith(MONITOR_DIR) else posixpath.basename(filename)
    path = posixpath.normpath(path).lstrip("/")
    if path.startswith(".."):
        return None
    values = {"file": quote(posixpath.basename(path)), "path": quote(path, safe="/")}
    return pattern.format_map(values)[:1024]


def is_click_to_dial(call_id):
    return (call_id or "").startswith(CLICK_TO_DIAL_PREFIX)


class AmiError(Exception):
    pass


def encode_action(action, fields=None, action_id=None):
    """Bytes of one AMI action."""
    lines = [f"Action: {action}"]
    if action_id:
        lines.append(f"ActionID: {action_id}")
    for key, value in (fields or {}).items():
        if value is None:
            continue
        text = str(value)
        if "\r" in text or "\n" in text:
            raise AmiError(f"line break in AMI field {key}")
        lines.append(f"{key}: {text}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class AmiParser:
    """Incremental parser: ``feed(bytes)`` returns the complete messages received."""

    def __init__(self):
        self.buffer = b""
        self.banner = None
        self.pending = []  # messages received while waiting for an action's response

    def take_pending(self):
        messages, self.pending = self.pending, []
        return messages

    def feed(self, data):
        self.buffer += data
        messages = []
        if self.banner is None:
            if b"\r\n" not in self.buffer:
                return messages
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            self.banner = line.decode(errors="replace")
        while b"\r\n\r\n" in self.buffer:
            block, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            message = {}
            for line in block.decode(errors="replace").split("\r\n"):
                key, sep, value = line.partition(":")
                if sep:
                    message[key.strip()] = value.strip()
            if message:
                messages.append(message)
        return messages


def split_address(address, default_port=5038):
    """(host, port) of ``host:port`` (an ``ami://`` or ``tcp://`` prefix is allowed)."""
    text = re.sub(r"^[a-z]+://", "", (address or "").strip()).rstrip("/")
    host, _sep, port = text.partition(":")
    if not host:
        raise AmiError("no AMI host")
    try:
        return host, int(port) if port else default_port
    except ValueError as exc:
        raise AmiError(f"bad AMI port {port!r}") from exc


def peer_of_channel(channel):
    """``PJSIP/101-0000002a`` -> ``101``."""
    match = _CHANNEL_PEER.match(channel or "")
    return match.group(1) if match else None


def is_extension(number):
    return bool(_EXTENSION.match(number or ""))


def _timestamp(message, now):
    value = message.get("Timestamp")
    if value:
        try:
            return datetime.fromtimestamp(float(value), tz=timezone.utc).replace(tzinfo=None)
        except (ValueError, OverflowError, OSError):
            pass
    return now


class AmiCallTracker:
    """Map AMI channel events to call events, one call per ``Linkedid``."""

    def __init__(self, recording_pattern=None):
        self.recording_pattern = recording_pattern
        self.calls = {}  # linkedid -> {"direction", "origin"}
        # Linkedid of a consultation call merged by an attended transfer -> the customer's
        self.merged = {}

    def feed(self, message, now=None):
        """Call events (possibly none) produced by one AMI message."""
        now = now or datetime.now(timezone.utc).replace(tzinfo=None)
        kind = message.get("Event")
        if kind == "OriginateResponse":
            return self._on_originateresponse(message, _timestamp(message, now))
        if kind == "BlindTransfer":
            return self._on_blindtransfer(message, _timestamp(message, now))
        if kind == "AttendedTransfer":
            return self._on_attendedtransfer(message, _timestamp(message, now))
        linkedid = message.get("Linkedid") or message.get("Uniqueid")
        linkedid = self.merged.get(linkedid, linkedid)
        if not kind or not linkedid:
            return []
        ts = _timestamp(message, now)
        handler = getattr(self, f"_on_{kind.lower()}", None)
        return handler(linkedid, message, ts) if handler else []

    def _on_newchannel(self, linkedid, message, ts):
        if message.get("Uniqueid") != linkedid or linkedid in self.calls:
            return []
        if is_click_to_dial(linkedid):
            # the agent's phone rings first; its caller-ID shows whom it will call
            agent = peer_of_channel(message.get("Channel"))
            self.calls[linkedid] = {"direction": call_events.OUTBOUND, "origin": linkedid, "agent_answered": False}
            return [
                call_events.CallEvent(
                    call_id=linkedid,
                    kind=call_events.RINGING,
                    timestamp=ts,
                    direction=call_events.OUTBOUND,
                    caller=agent,
                    extension=agent,
                )
            ]
        caller = message.get("CallerIDNum")
        outbound = is_extension(caller) and is_extension(peer_of_channel(message.get("Channel")))
        direction = call_events.OUTBOUND if outbound else call_events.INBOUND
        self.calls[linkedid] = {"direction": direction, "origin": message.get("Uniqueid")}
        return [
            call_events.CallEvent(
                call_id=linkedid,
                kind=call_events.RINGING,
                timestamp=ts,
                direction=direction,
                caller=caller,
                callee=message.get("Exten"),
                extension=caller if outbound else None,
            )
        ]

    def _on_dialbegin(self, linkedid, message, ts):
        call = self.calls.get(linkedid)
        if not call:
            return []
        if call["direction"] == call_events.OUTBOUND:
            return [
                call_events.CallEvent(
                    call_id=linkedid, kind=call_events.RINGING, timestamp=ts, callee=message.get("DestExten")
                )
            ]
        agent = peer_of_channel(message.get("DestChannel"))
        return [
            call_events.CallEvent(
                call_id=linkedid,
                kind=call_events.RINGING,
                timestamp=ts,
                extension=agent if is_extension(agent) else None,
            )
        ]

    def _on_bridgeenter(self, linkedid, message, ts):
        call = self.calls.get(linkedid)
        if not call or int(message.get("BridgeNumChannels") or 0) < 2:
            return []
        extension = None
        if call["direction"] == call_events.INBOUND:
            peer = peer_of_channel(message.get("Channel"))
            extension = peer if is_extension(peer) and message.get("Uniqueid") != call["origin"] else None
        return [call_events.CallEvent(call_id=linkedid, kind=call_events.ANSWERED, timestamp=ts, extension=extension)]

    def _on_hangup(self, linkedid, message, ts):
        call = self.calls.get(linkedid)
        if not call or message.get("Uniqueid") != call["origin"]:
            return []
        del self.calls[linkedid]
        for merged in [key for key, value in self.merged.items() if value == linkedid]:
            del self.merged[merged]
        if is_click_to_dial(linkedid) and not call.get("agent_answered"):
            # the agent's own phone did not take the call: the OriginateResponse that
            # Asterisk sends next ends it, with the reason and the number
            return []
        cause = call_events.normalize_cause(message.get("Cause"))
        return [call_events.CallEvent(call_id=linkedid, kind=call_events.HANGUP, timestamp=ts, cause=cause)]

    def _on_varset(self, linkedid, message, ts):
        """MixMonitor's file name: the call's recording, at the PBX's recording address."""
        if message.get("Variable") != RECORDING_VARIABLE or linkedid not in self.calls:
            return []
        url = recording_url(self.recording_pattern, message.get("Value"))
        if not url:
            return []
        return [call_events.CallEvent(call_id=linkedid, kind=call_events.RECORDED, timestamp=ts, recording_url=url)]

    def _on_blindtransfer(self, message, ts):
        """An agent sent the customer on to ``Extension`` (who answers, or not, later)."""
        if (message.get("Result") or "").lower() != "success":
            return []
        linkedid = message.get("TransfereeLinkedid") or message.get("TransfererLinkedid")
        linkedid = self.merged.get(linkedid, linkedid)
        if linkedid not in self.calls:
            return []
        return [
            call_events.CallEvent(
                call_id=linkedid,
                kind=call_events.TRANSFERRED,
                timestamp=ts,
                extension=(message.get("Extension") or "")[:32] or None,
                transfer_from=peer_of_channel(message.get("TransfererChannel")),
            )
        ]

    def _on_attendedtransfer(self, message, ts):
        """An agent talked to a colleague first, then joined the customer to them.

        The customer's call (its Linkedid: the transferee's) goes on with the colleague
        (the transfer target) from now; the consultation call between the two agents
        (the other Linkedid) is merged into it and is no call of its own.
        """
        if (message.get("Result") or "").lower() != "success" or message.get("DestType") != "Bridge":
            return []
        linkedids = [message.get("OrigTransfererLinkedid"), message.get("SecondTransfererLinkedid")]
        customer = message.get("TransfereeLinkedid")
        customer = self.merged.get(customer, customer)
        if customer not in linkedids:
            # the transferer called the customer second: the consultation is the first call
            customer = next((linkedid for linkedid in linkedids if linkedid in self.calls), None)
        if not customer or customer not in self.calls:
            return []
        consultation = next((linkedid for linkedid in linkedids if linkedid and linkedid != customer), None)
        transferer = message.get("OrigTransfererChannel") if customer == linkedids[0] else None
        transferer = transferer or message.get("SecondTransfererChannel")
        target = peer_of_channel(message.get("TransferTargetChannel"))
        events = [
            call_events.CallEvent(
                call_id=customer,
                kind=call_events.TRANSFERRED,
                timestamp=ts,
                extension=target,
                transfer_from=peer_of_channel(transferer),
            ),
            call_events.CallEvent(call_id=customer, kind=call_events.ANSWERED, timestamp=ts, extension=target),
        ]
        if consultation:
            self.merged[consultation] = customer
            self.calls.pop(consultation, None)
            events.append(
                call_events.CallEvent(call_id=consultation, kind=call_events.MERGED, timestamp=ts, merged_into=customer)
            )
        return events

    def _on_originateresponse(self, message, ts):
        """The end of a click-to-dial's first step: the agent's phone answered, or why not."""
        call_id = next((v for v in (message.get("ActionID"), message.get("Uniqueid")) if is_click_to_dial(v)), None)
        if not call_id:
            return []
        agent = peer_of_channel(message.get("Channel"))
        ringing = call_events.CallEvent(
            call_id=call_id,
            kind=call_events.RINGING,
            timestamp=ts,
            direction=call_events.OUTBOUND,
            caller=agent,
            callee=message.get("Exten") or None,
            extension=agent,
        )
        if (message.get("Response") or "").lower() == "success":
            if call_id in self.calls:
                self.calls[call_id]["agent_answered"] = True
            return [ringing]
        self.calls.pop(call_id, None)
        cause = ORIGINATE_REASONS.get(message.get("Reason"), call_events.CAUSE_FAILED)
        return [ringing, call_events.CallEvent(call_id=call_id, kind=call_events.HANGUP, timestamp=ts, cause=cause)]


def _read_response(sock, parser, action_id):
    while True:
        data = sock.recv(65536)
        if not data:
            raise AmiError("the AMI server closed the connection")
        response = None
        for message in parser.feed(data):
            if response is None and message.get("ActionID") == action_id and "Response" in message:
                response = message
            else:
                parser.pending.append(message)
        if response is not None:
            if response["Response"].lower() != "success":
                raise AmiError(response.get("Message") or response["Response"])
            return response


def login(sock, parser, username, secret):
    sock.sendall(encode_action("Login", {"Username": username, "Secret": secret}, action_id="login"))
    return _read_response(sock, parser, "login")


def command_fields(command, context="from-internal"):
    """AMI action for a click-to-dial / transfer command of the addon."""
    if command.get("action") == "originate":
        return "Originate", {
            "Channel": f"PJSIP/{command['extension']}",
            "Context": context,
            "Exten": command["number"],
            "Priority": 1,
            "CallerID": command["number"],
            "Async": "true",
            "ChannelId": command.get("call_id") or f"{CLICK_TO_DIAL_PREFIX}{uuid.uuid4().hex}",
        }
    if command.get("action") == "transfer":
        return "Redirect", {
            "Channel": command["call_id"],
            "Context": context,
            "Exten": command["extension"],
            "Priority": 1,
        }
    raise AmiError(f"unknown command {command.get('action')!r}")


def send_action(host, port, username, secret, command, *, timeout=10):
    """Log in, run one command, log off; return the AMI response."""
    action, fields = command_fields(command)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        parser = AmiParser()
        login(sock, parser, username, secret)
        # an originate's ActionID comes back in its OriginateResponse event: its call id
        action_id = fields.get("ChannelId") or "cmd"
        sock.sendall(encode_action(action, fields, action_id=action_id))
        response = _read_response(sock, parser, action_id)
        sock.sendall(encode_action("Logoff", action_id="bye"))
        return response
