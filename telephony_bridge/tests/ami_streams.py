"""AMI event streams of transferred and queued calls, as Asterisk 18/20 sends them
(``timestampevents = yes`` in manager.conf). Plain Python: the Odoo tests and the
unit tests of tools/ami.py both read them.

Field names and order follow Asterisk's own documentation of each event
(docs.asterisk.org, Asterisk_20_Documentation/API_Documentation/AMI_Events/:
BlindTransfer, AttendedTransfer, BridgeEnter, DialBegin, Newchannel, Hangup) and the
channel snapshot / bridge snapshot blocks of main/manager_channels.c and
main/manager_bridges.c (prefixes ``Transferer``, ``Transferee``, ``OrigTransferer``,
``SecondTransferer``, ``TransferTarget``, ``OrigBridge``, ``SecondBridge``).
Numbers and ids are invented; the customer calls from +49 30 1234567 (Berlin) and
+49 171 5550101; agents are at extensions 101 and 102.
"""

BASE = 1772443000


def message(*pairs):
    return ("".join(f"{key}: {value}\r\n" for key, value in pairs) + "\r\n").encode()


def ts(seconds):
    return f"{BASE + seconds:.6f}"


def channel(prefix, name, uniqueid, linkedid, number, exten="s", state="6", context="from-internal"):  # noqa: PLR0917
    """A channel snapshot block, as ast_manager_build_channel_state_string_prefix writes it."""
    desc = {"0": "Down", "4": "Ring", "5": "Ringing", "6": "Up"}[state]
    return [
        (f"{prefix}Channel", name),
        (f"{prefix}ChannelState", state),
        (f"{prefix}ChannelStateDesc", desc),
        (f"{prefix}CallerIDNum", number),
        (f"{prefix}CallerIDName", "<unknown>"),
        (f"{prefix}ConnectedLineNum", "<unknown>"),
        (f"{prefix}ConnectedLineName", "<unknown>"),
        (f"{prefix}Language", "en"),
        (f"{prefix}AccountCode", ""),
        (f"{prefix}Context", context),
        (f"{prefix}Exten", exten),
        (f"{prefix}Priority", "1"),
        (f"{prefix}Uniqueid", uniqueid),
        (f"{prefix}Linkedid", linkedid),
    ]


def bridge(prefix, uniqueid, channels):
    """A bridge snapshot block, as ast_manager_build_bridge_state_string_prefix writes it."""
    return [
        (f"{prefix}BridgeUniqueid", uniqueid),
        (f"{prefix}BridgeType", "basic"),
        (f"{prefix}BridgeTechnology", "simple_bridge"),
        (f"{prefix}BridgeCreator", "<unknown>"),
        (f"{prefix}BridgeName", "<unknown>"),
        (f"{prefix}BridgeNumChannels", str(channels)),
        (f"{prefix}BridgeVideoSourceMode", "none"),
    ]


def event(name, seconds, *blocks, **extra):
    pairs = [("Event", name), ("Privilege", "call,all"), ("Timestamp", ts(seconds))]
    for block in blocks:
        pairs += block
    pairs += list(extra.items())
    return message(*pairs)


def dial_begin(seconds, caller, dest, dial_string):
    return event("DialBegin", seconds, caller, dest, DialString=dial_string)


def bridge_enter(seconds, bridge_id, channels, chan):
    return event("BridgeEnter", seconds, bridge("", bridge_id, channels), chan)


def hangup(seconds, chan, cause="16", desc="Normal Clearing"):
    return event("Hangup", seconds, chan, Cause=cause, **{"Cause-txt": desc})


# ---------------------------------------------------------------------------
# Blind transfer: +49 30 1234567 calls, 101 answers at 6 s, transfers blind to 102
# at 66 s (BlindTransfer), 102 answers at 71 s, the customer hangs up at 191.1 s.
# ---------------------------------------------------------------------------
BLIND = "1772443000.20"
_b_trunk = channel("", "PJSIP/trunk-00000014", BLIND, BLIND, "+49301234567", exten="100", context="from-trunk")
_b_101 = channel("", "PJSIP/101-00000015", "1772443000.21", BLIND, "101")
_b_102 = channel("", "PJSIP/102-00000016", "1772443066.22", BLIND, "102")
BLIND_TRANSFER = [
    event("Newchannel", 0, channel("", "PJSIP/trunk-00000014", BLIND, BLIND, "+49301234567", "100", "4",
                                   "from-trunk")),
    event("Newchannel", 0.1, channel("", "PJSIP/101-00000015", "1772443000.21", BLIND, "101", state="0")),
    dial_begin(0.1, _b_trunk, channel("Dest", "PJSIP/101-00000015", "1772443000.21", BLIND, "101", state="0"),
               "101"),
    bridge_enter(6, "8f1b2c3d-0001", 1, _b_trunk),
    bridge_enter(6, "8f1b2c3d-0001", 2, _b_101),
    event("BlindTransfer", 66, [("Result", "Success")],
          channel("Transferer", "PJSIP/101-00000015", "1772443000.21", BLIND, "101"),
          channel("Transferee", "PJSIP/trunk-00000014", BLIND, BLIND, "+49301234567", "100",
                  context="from-trunk"),
          bridge("", "8f1b2c3d-0001", 2), IsExternal="No", Context="from-internal", Extension="102"),
    event("BridgeLeave", 66, bridge("", "8f1b2c3d-0001", 1), _b_trunk),
    hangup(66.1, _b_101),
    event("Newchannel", 66.2, channel("", "PJSIP/102-00000016", "1772443066.22", BLIND, "102", state="0")),
    dial_begin(66.2, _b_trunk, channel("Dest", "PJSIP/102-00000016", "1772443066.22", BLIND, "102", state="0"),
               "102"),
    bridge_enter(71, "8f1b2c3d-0002", 1, _b_trunk),
    bridge_enter(71, "8f1b2c3d-0002", 2, _b_102),
    hangup(191, _b_102),
    hangup(191.1, _b_trunk),
]  # fmt: skip

# ---------------------------------------------------------------------------
# Attended transfer: +49 171 5550101 calls, 101 answers at 5 s, puts the customer on
# hold and calls 102 at 40 s (a second call, Linkedid CONSULT), 102 answers at 45 s,
# 101 completes the transfer at 70 s (AttendedTransfer, DestType Bridge), the
# customer and 102 talk until 250.1 s.
# ---------------------------------------------------------------------------
ATTENDED = "1772443300.30"
CONSULT = "1772443340.32"
_a_trunk = channel("", "PJSIP/trunk-0000001e", ATTENDED, ATTENDED, "+491715550101", exten="100",
                   context="from-trunk")  # fmt: skip
_a_101 = channel("", "PJSIP/101-0000001f", "1772443300.31", ATTENDED, "101")
_c_101 = channel("", "PJSIP/101-00000020", CONSULT, CONSULT, "101", exten="102")
_c_102 = channel("", "PJSIP/102-00000021", "1772443340.33", CONSULT, "102")
ATTENDED_TRANSFER = [
    event("Newchannel", 300, channel("", "PJSIP/trunk-0000001e", ATTENDED, ATTENDED, "+491715550101", "100", "4",
                                     "from-trunk")),
    event("Newchannel", 300.1, channel("", "PJSIP/101-0000001f", "1772443300.31", ATTENDED, "101", state="0")),
    dial_begin(300.1, _a_trunk, channel("Dest", "PJSIP/101-0000001f", "1772443300.31", ATTENDED, "101", state="0"),
               "101"),
    bridge_enter(305, "8f1b2c3d-0003", 1, _a_trunk),
    bridge_enter(305, "8f1b2c3d-0003", 2, _a_101),
    event("Hold", 339, _a_trunk, MusicClass="default"),
    event("Newchannel", 340, channel("", "PJSIP/101-00000020", CONSULT, CONSULT, "101", "102", "4")),
    event("Newchannel", 340.1, channel("", "PJSIP/102-00000021", "1772443340.33", CONSULT, "102", state="0")),
    dial_begin(340.1, _c_101, channel("Dest", "PJSIP/102-00000021", "1772443340.33", CONSULT, "102", state="0"),
               "102"),
    bridge_enter(345, "8f1b2c3d-0004", 1, _c_101),
    bridge_enter(345, "8f1b2c3d-0004", 2, _c_102),
    event("AttendedTransfer", 370, [("Result", "Success")],
          channel("OrigTransferer", "PJSIP/101-0000001f", "1772443300.31", ATTENDED, "101"),
          bridge("Orig", "8f1b2c3d-0003", 2),
          channel("SecondTransferer", "PJSIP/101-00000020", CONSULT, CONSULT, "101", exten="102"),
          bridge("Second", "8f1b2c3d-0004", 2),
          [("DestType", "Bridge"), ("DestBridgeUniqueid", "8f1b2c3d-0004")],
          channel("Transferee", "PJSIP/trunk-0000001e", ATTENDED, ATTENDED, "+491715550101", "100",
                  context="from-trunk"),
          channel("TransferTarget", "PJSIP/102-00000021", "1772443340.33", CONSULT, "102"),
          IsExternal="No"),
    event("BridgeLeave", 370, bridge("", "8f1b2c3d-0003", 1), _a_101),
    event("BridgeLeave", 370, bridge("", "8f1b2c3d-0004", 1), _c_101),
    event("BridgeEnter", 370, bridge("", "8f1b2c3d-0004", 2), _a_trunk),
    hangup(370.1, _a_101),
    hangup(370.1, _c_101),
    hangup(550, _c_102),
    hangup(550.1, _a_trunk),
]  # fmt: skip

# ---------------------------------------------------------------------------
# Queue (app_queue, ringall strategy, members as Local channels): +49 30 1234567 calls
# the queue 200 at 600 s, it rings 101 and 102 through Local/...@from-queue channels,
# 101 answers at 612 s, the call ends at 702.1 s.
# ---------------------------------------------------------------------------
QUEUED = "1772443600.40"
_q_trunk = channel("", "PJSIP/trunk-00000028", QUEUED, QUEUED, "+49301234567", exten="200", context="from-trunk")
_q_l1 = channel("", "Local/101@from-queue-00000001;1", "1772443600.41", QUEUED, "+49301234567", exten="101",
                context="from-queue")  # fmt: skip
_q_l2 = channel("", "Local/101@from-queue-00000001;2", "1772443600.42", QUEUED, "+49301234567", exten="101",
                context="from-queue")  # fmt: skip
_q_m1 = channel("", "Local/102@from-queue-00000002;1", "1772443600.43", QUEUED, "+49301234567", exten="102",
                context="from-queue")  # fmt: skip
_q_101 = channel("", "PJSIP/101-00000029", "1772443600.45", QUEUED, "101")
QUEUE_CALL = [
    event("Newchannel", 600, channel("", "PJSIP/trunk-00000028", QUEUED, QUEUED, "+49301234567", "200", "4",
                                     "from-trunk")),
    event("QueueCallerJoin", 600.1, _q_trunk, Queue="200", Position="1", Count="1"),
    event("Newchannel", 600.2, channel("", "Local/101@from-queue-00000001;1", "1772443600.41", QUEUED,
                                       "+49301234567", "101", "0", "from-queue")),
    event("Newchannel", 600.2, channel("", "Local/101@from-queue-00000001;2", "1772443600.42", QUEUED,
                                       "+49301234567", "101", "4", "from-queue")),
    dial_begin(600.2, _q_trunk, channel("Dest", "Local/101@from-queue-00000001;1", "1772443600.41", QUEUED,
                                        "+49301234567", "101", "0", "from-queue"), "101@from-queue/n"),
    event("Newchannel", 600.2, channel("", "Local/102@from-queue-00000002;1", "1772443600.43", QUEUED,
                                       "+49301234567", "102", "0", "from-queue")),
    dial_begin(600.2, _q_trunk, channel("Dest", "Local/102@from-queue-00000002;1", "1772443600.43", QUEUED,
                                        "+49301234567", "102", "0", "from-queue"), "102@from-queue/n"),
    event("Newchannel", 600.3, channel("", "PJSIP/101-00000029", "1772443600.45", QUEUED, "101", state="0")),
    dial_begin(600.3, _q_l2, channel("Dest", "PJSIP/101-00000029", "1772443600.45", QUEUED, "101", state="0"),
               "101"),
    bridge_enter(612, "8f1b2c3d-0005", 1, _q_l2),
    bridge_enter(612, "8f1b2c3d-0005", 2, _q_101),
    event("DialEnd", 612, _q_trunk, channel("Dest", "Local/102@from-queue-00000002;1", "1772443600.43", QUEUED,
                                            "+49301234567", "102", "5", "from-queue"), DialStatus="CANCEL"),
    hangup(612, _q_m1, "16"),
    event("AgentConnect", 612, _q_trunk, channel("Dest", "Local/101@from-queue-00000001;1", "1772443600.41",
                                                 QUEUED, "+49301234567", "101", context="from-queue"),
          Queue="200", MemberName="Anna", Interface="Local/101@from-queue/n", RingTime="12", HoldTime="12"),
    bridge_enter(612, "8f1b2c3d-0006", 1, _q_trunk),
    bridge_enter(612, "8f1b2c3d-0006", 2, _q_l1),
    hangup(702, _q_101),
    hangup(702, _q_l2),
    hangup(702, _q_l1),
    hangup(702.1, _q_trunk),
]  # fmt: skip


def parse(stream):
    """The messages of a stream as the AMI parser returns them (dicts)."""
    messages = []
    for raw in stream:
        fields = {}
        for line in raw.decode().split("\r\n"):
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip()] = value.strip()
        if fields:
            messages.append(fields)
    return messages


# MixMonitor started on the customer's channel of the blind-transfer call (FreePBX's
# file naming: direction-exten-caller-date-time-uniqueid), as the VarSet event of the
# variable MixMonitor sets (Asterisk docs, Dialplan Applications, MixMonitor:
# "MIXMONITOR_FILENAME - Will contain the filename used to record").
RECORDING_FILE = "/var/spool/asterisk/monitor/2026/03/02/in-100-+49301234567-20260302-101006-1772443000.20.wav"
RECORDING_VARSET = event("VarSet", 6.5, _b_trunk, Variable="MIXMONITOR_FILENAME", Value=RECORDING_FILE).replace(
    b"Privilege: call,all", b"Privilege: dialplan,all"
)
BLIND_TRANSFER_RECORDED = [*BLIND_TRANSFER[:5], RECORDING_VARSET, *BLIND_TRANSFER[5:]]
