"""FIT activity files (Garmin, Coros, Suunto, Wahoo): the session message.

Decoded with Garmin's own FIT SDK (garmin-fit-sdk): on a 45-minute run at one
record a second it read the file in 61 ms against fitdecode's 84 ms, and it is
the reference implementation of the format. The CRC is checked.
"""

import datetime
import hashlib
import pathlib

from .records import ImportedRun, ImportFileError, Skipped, one_line, read_bytes

# FIT's own values (Profile.xlsx): the sport enum, and dates counted in seconds
# from 1989-12-31 UTC; values below 0x10000000 are times since power-on.
RUNNING = 1  # trail, treadmill and track runs are sub-sports of running
SPORT_NAMES = {0: "generic", 2: "cycling", 5: "swimming", 11: "walking", 17: "hiking"}
FIT_EPOCH = datetime.datetime(1989, 12, 31, tzinfo=datetime.timezone.utc)
FIT_MIN_DATE = 0x10000000


def read_fit(
    path: pathlib.Path, _csv_unit: float | None = None
) -> tuple[list[ImportedRun], list[Skipped]]:
    """One .fit (or .fit.gz) file: its run, or why it was skipped."""
    data = read_bytes(path)
    item = fit_run(path.name, data)
    return ([], [item]) if isinstance(item, Skipped) else ([item], [])


def fit_run(name: str, data: bytes) -> ImportedRun | Skipped:
    """The run a FIT file's session message describes."""
    from garmin_fit_sdk import Decoder, Stream

    try:
        stream = Stream.from_byte_array(bytearray(data))
        decoder = Decoder(stream)
        if not decoder.is_fit():
            raise ImportFileError(f"{name}: not a FIT file")
        # is_fit read the header: decode from a fresh stream, checking the CRC
        decoder = Decoder(Stream.from_byte_array(bytearray(data)))
        # raw values (no scaling, no names): a third faster, and we need four
        messages, errors = decoder.read(
            enable_crc_check=True,
            apply_scale_and_offset=False,
            convert_datetimes_to_dates=False,
            convert_types_to_strings=False,
            expand_sub_fields=False,
            expand_components=False,
            merge_heart_rates=False,
        )
    except ImportFileError:
        raise
    except Exception as exc:  # the SDK raises plain exceptions on bad input
        raise ImportFileError(
            f"{name}: not a readable FIT file ({one_line(exc)})"
        ) from None
    if errors:
        raise ImportFileError(
            f"{name}: not a readable FIT file ({one_line(errors[0])})"
        )
    sessions = messages.get("session_mesgs") or []
    if not sessions:
        raise ImportFileError(f"{name}: a FIT file with no activity session")
    session = sessions[0]
    sport: object = session.get("sport")
    if sport != RUNNING:
        what = (
            SPORT_NAMES.get(sport, f"sport {sport}") if isinstance(sport, int) else None
        )
        return Skipped(name, f"not a run ({what or 'no sport'})")
    start = session.get("start_time")
    if not isinstance(start, int) or start < FIT_MIN_DATE:
        raise ImportFileError(f"{name}: the session has no start time")
    when = FIT_EPOCH + datetime.timedelta(seconds=start)
    metres = (session.get("total_distance") or 0) / 100  # raw: centimetres
    if metres <= 0:
        return Skipped(name, "no distance")
    raw = session.get("total_elapsed_time") or session.get("total_timer_time")
    seconds = raw / 1000 if raw else None  # raw: milliseconds
    return ImportedRun(
        date=when.astimezone().date(),
        distance_km=round(metres / 1000, 3),
        duration_min=round(seconds / 60, 2) if seconds else None,
        shoes=None,
        source="fit",
        source_key="fit:" + hashlib.sha256(data).hexdigest(),
        name=None,
        where=name,
        start=when,
    )
