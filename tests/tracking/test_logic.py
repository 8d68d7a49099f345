"""Track logic: M-of-N confirmation, deletion by misses in the field of view, coasting,
a full table, track ids, labels, association and sequential fusion of two radars.

The rules under test are those of the :mod:`airguard.tracking.core` docstring
(docs/tracking.md); the looks are scripted, with detections placed exactly on the
target, so that every outcome is known in advance.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from airguard.tracking import core

Float = NDArray[np.float64]
ORIGIN = np.zeros(3)
BASIS = np.eye(3)
SIGMA = np.array([20.0, 1e-3, 1e-3, 0.0])
FOV_ALL = np.array([200e3, 0.0, math.pi, -0.5, 1.5])
TARGET = np.array([0.0, 10e3, 1e3])  # at rest, 10 km north


def rae(p: Float, sensor: Float = ORIGIN) -> Float:
    d = p - sensor
    r = float(np.linalg.norm(d))
    return np.array([r, math.atan2(d[0], d[1]), math.asin(d[2] / r), 0.0])


class Radar:
    """Scripted looks of one radar onto one track table."""

    def __init__(self, params: core.TrackerParams, capacity: int = 8) -> None:
        self.params = params
        self.tracks = core.new_tracks(capacity, len(params.models))
        self.counter = np.zeros(1, np.int64)
        self.t = 0.0

    def look(
        self,
        points: list[Float],
        fov: Float = FOV_ALL,
        labels: list[int] | None = None,
        sensor: Float = ORIGIN,
    ) -> None:
        z = np.array([rae(p, sensor) for p in points]).reshape(-1, 4)
        lab = np.array(labels if labels is not None else [7] * len(points), np.int64)
        core.scan(
            self.tracks,
            self.params,
            self.counter,
            self.t,
            sensor,
            BASIS,
            SIGMA,
            fov,
            z,
            lab,
            len(z),
        )
        self.t += 2.0

    def status(self) -> list[int]:
        return [int(s) for s in self.tracks.status if s != core.STATUS_FREE]


PARAMS = core.tracker_params(models=("cv",), q=1.0, confirm_m=3, confirm_n=4, delete_misses=3)
TENTATIVE, CONFIRMED = core.STATUS_TENTATIVE, core.STATUS_CONFIRMED


def test_3_of_4_confirms_at_look_4_when_hits_are_looks_1_3_and_4() -> None:
    radar = Radar(PARAMS)
    seen = []
    for hit in (True, False, True, True):
        radar.look([TARGET] if hit else [])
        seen.append(radar.status())
    assert seen == [[TENTATIVE], [TENTATIVE], [TENTATIVE], [CONFIRMED]]
    assert radar.tracks.t_confirmed[0] == 6.0  # the fourth look, at t = 6 s
    assert radar.tracks.looks[0] == 4
    assert radar.tracks.n_updates[0] == 3
    assert radar.tracks.hits[0] & 0b1111 == 0b1011  # newest look in bit 0


def test_3_of_4_confirms_at_look_3_after_three_straight_hits() -> None:
    radar = Radar(PARAMS)
    seen = []
    for _ in range(3):
        radar.look([TARGET])
        seen.append(radar.status())
    assert seen == [[TENTATIVE], [TENTATIVE], [CONFIRMED]]


def test_tentative_track_is_deleted_as_soon_as_3_of_4_is_out_of_reach() -> None:
    radar = Radar(PARAMS)  # hits in looks 1, 2: 3 of 4 still possible at look 3
    seen = []
    for hit in (True, True, False, False):
        radar.look([TARGET] if hit else [])
        seen.append(radar.status())
    assert seen == [[TENTATIVE], [TENTATIVE], [TENTATIVE], []]
    radar = Radar(PARAMS)  # one hit then misses: out of reach at look 3
    seen = []
    for hit in (True, False, False):
        radar.look([TARGET] if hit else [])
        seen.append(radar.status())
    assert seen == [[TENTATIVE], [TENTATIVE], []]


def test_confirmed_track_is_deleted_after_3_consecutive_misses_in_the_field_of_view() -> None:
    radar = Radar(PARAMS)
    for _ in range(3):
        radar.look([TARGET])
    radar.look([])
    radar.look([])
    assert radar.status() == [CONFIRMED]
    assert radar.tracks.misses[0] == 2
    radar.look([TARGET])  # a hit resets the count
    assert radar.tracks.misses[0] == 0
    radar.look([])
    radar.look([])
    assert radar.status() == [CONFIRMED]
    radar.look([])
    assert radar.status() == []


def test_looks_that_do_not_cover_the_track_are_not_misses() -> None:
    radar = Radar(PARAMS)
    for _ in range(3):
        radar.look([TARGET])
    looks = int(radar.tracks.looks[0])
    south_sector = np.array([200e3, math.pi, 0.5, -0.5, 1.5])  # the target is north
    short_range = np.array([5e3, 0.0, math.pi, -0.5, 1.5])  # the target is at 10 km
    high_beam = np.array([200e3, 0.0, math.pi, 0.5, 1.5])  # the target is at 0.1 rad
    for fov in (south_sector, short_range, high_beam):
        for _ in range(10):
            radar.look([], fov=fov)
    assert radar.status() == [CONFIRMED]
    assert radar.tracks.misses[0] == 0
    assert radar.tracks.looks[0] == looks


def test_track_not_updated_for_longer_than_coast_time_is_deleted() -> None:
    params = core.tracker_params(models=("cv",), confirm_m=1, confirm_n=1, coast_s=5.0)
    radar = Radar(params)
    radar.look([TARGET])  # t = 0, confirmed at once (1 of 1)
    south_sector = np.array([200e3, math.pi, 0.5, -0.5, 1.5])
    radar.look([], fov=south_sector)  # t = 2
    radar.look([], fov=south_sector)  # t = 4
    assert radar.status() == [CONFIRMED]
    radar.look([], fov=south_sector)  # t = 6: 6 s without an update
    assert radar.status() == []


def test_full_table_drops_the_rest_of_a_look_and_ids_are_never_reused() -> None:
    radar = Radar(PARAMS, capacity=2)
    far = [TARGET, TARGET + np.array([30e3, 0, 0]), TARGET + np.array([-30e3, 0, 0])]
    radar.look(far, labels=[0, 1, 2])
    assert radar.status() == [TENTATIVE, TENTATIVE]
    assert radar.tracks.id.tolist() == [0, 1]
    assert radar.tracks.label.tolist() == [0, 1]  # the first two detections, in order
    radar.look([])
    radar.look([])  # both tracks out of reach of 3 of 4: deleted
    assert radar.status() == []
    radar.look([far[2]], labels=[2])
    assert radar.tracks.id[radar.tracks.status != core.STATUS_FREE].tolist() == [2]
    assert radar.counter[0] == 3


def test_labels_are_carried_but_never_change_the_estimates() -> None:
    states = []
    for label in (5, -1):
        radar = Radar(PARAMS)
        for k in range(4):
            radar.look([TARGET + np.array([10.0 * k, 0, 0])], labels=[label])
        assert radar.tracks.label[0] == label
        states.append(radar.tracks.x[0, 0].copy())
    np.testing.assert_array_equal(states[0], states[1])


def test_gnn_gives_each_of_two_close_tracks_its_own_detection_whatever_their_order() -> None:
    # Two targets 300 m apart cross-range at 10 km (the gates overlap); each detection
    # is in both gates, and the optimal assignment keeps the labels on their tracks.
    a = TARGET
    b = TARGET + np.array([300.0, 0.0, 0.0])
    radar = Radar(PARAMS)
    for k in range(8):
        pts, labels = ([a, b], [0, 1]) if k % 2 else ([b, a], [1, 0])
        radar.look(pts, labels=labels)
    live = radar.tracks.status != core.STATUS_FREE
    assert radar.status() == [CONFIRMED, CONFIRMED]
    assert radar.tracks.id[live].tolist() == [0, 1]
    by_id = dict(
        zip(radar.tracks.id[live].tolist(), radar.tracks.label[live].tolist(), strict=True)
    )
    first_label = {0: 1, 1: 0}  # look 0 listed b first: track 0 follows b (label 1)
    assert by_id == first_label
    assert radar.tracks.n_updates[live].tolist() == [8, 8]


def test_two_radars_feed_one_track_by_successive_scans() -> None:
    # Sequential fusion: radar B, 20 km east, looks between radar A's looks; the track
    # keeps its id, counts both radars' hits and ends with less position variance than A
    # alone (0.75 of it here: B, farther off, measures less sharply across its beam).
    params = core.tracker_params(models=("cv",), q=0.01, init_velocity_sigma_mps=50.0)
    b_pos = np.array([20e3, 0.0, 0.0])
    alone, fused = Radar(params), Radar(params)
    for _ in range(6):
        alone.look([TARGET])
        alone.t -= 1.0
        alone.look([], sensor=b_pos, fov=np.array([1.0, 0.0, math.pi, -0.5, 1.5]))
        alone.t -= 1.0
        fused.look([TARGET])
        fused.t -= 1.0
        fused.look([TARGET], sensor=b_pos)
        fused.t -= 1.0
    assert fused.status() == [CONFIRMED]
    assert fused.tracks.n_updates[0] == 12
    position_variance = [np.trace(r.tracks.P[0, 0, :3, :3]) for r in (fused, alone)]
    assert position_variance[0] < 0.8 * position_variance[1], position_variance


def test_a_false_alarm_assigned_to_a_track_does_not_relabel_it() -> None:
    radar = Radar(PARAMS)
    for label in (4, 4, -1, 4, -1):
        radar.look([TARGET], labels=[label])
        assert radar.tracks.label[0] == 4
    assert radar.tracks.n_updates[0] == 5
    radar = Radar(PARAMS)  # a track started by a false alarm is labelled -1 until a target's
    radar.look([TARGET], labels=[-1])
    assert radar.tracks.label[0] == -1
    radar.look([TARGET], labels=[9])
    assert radar.tracks.label[0] == 9
