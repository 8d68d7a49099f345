"""Motion and measurement models of the tracker, as compiled kernels.

State
-----
Every model works on the same 9-vector ``x = [p, v, a]``: position (m), velocity
(m/s) and acceleration (m/s²), Cartesian, in the tracker's frame (``FRAME_FLAT``: a
flat Earth with +z up; ``FRAME_ECEF``: WGS84 Earth-centred, Earth-fixed).  Models
with fewer states hold the rest fixed, so that the IMM can mix them (the
"augmented state" treatment of unequal model dimensions: Blackman & Popoli,
*Design and Analysis of Modern Tracking Systems*, Artech House 1999).

Motion models
-------------
``MODEL_CV``, nearly constant velocity
    Continuous white-noise acceleration (CWNA) of power spectral density ``q``
    (m²/s³) per axis: Bar-Shalom, Li & Kirubarajan, *Estimation with Applications
    to Tracking and Navigation*, Wiley 2001, §6.2.2,
    ``Q = q [[T³/3, T²/2], [T²/2, T]]``.  The acceleration rows are
    set to zero with zero variance.  (Stone Soup's ``ConstantVelocity`` is the
    same model.)
``MODEL_CA``, nearly constant acceleration
    Continuous white-noise jerk (the Wiener-process acceleration model) of power
    spectral density ``q`` (m²/s⁵): Bar-Shalom et al. 2001, §6.2.3,
    ``Q = q [[T⁵/20, T⁴/8, T³/6], [T⁴/8, T³/3, T²/2], [T³/6, T²/2, T]]``.
``MODEL_BALLISTIC``, gravity and drag
    ``dv/dt = g(p) - ρ(h) |v| v / (2 β)`` with the ballistic coefficient β (kg/m²,
    0: no drag) and the US Standard Atmosphere 1976 density
    (:func:`airguard.atmosphere.density_and_sound_speed`).  In ``FRAME_ECEF`` the
    acceleration *is* the engine's one integrator, :func:`airguard.dynamics.rk4_step`
    with WGS84 gravity including J2, the Coriolis and centrifugal terms of the
    rotating frame and drag (a body of unit mass and drag area ``1/β``): the filter
    predicts a ballistic threat with the model it was flown with, up to β.  In
    ``FRAME_FLAT`` gravity is ``-9.80665 m/s²`` along +z and the density is taken at
    height ``z``; the same classical RK4 step is applied to that acceleration.
    Model error (β, winds, lift) is a continuous white acceleration of power
    spectral density ``q`` (m²/s³) on top, with the CWNA ``Q`` above (the usual
    treatment of a re-entry vehicle's unmodelled forces: X. R. Li, V. P. Jilkov,
    "Survey of maneuvering target tracking. Part II: motion models of ballistic
    and space targets", *IEEE Trans. AES* 46(1), 96-119, 2010).  The state
    transition matrix of the extended Kalman filter comes from the Jacobian
    ``A = ∂(v, a)/∂(p, v)`` (central gravity gradient, rotation, drag with the
    density gradient) integrated over sub-steps of at most ``max_step`` seconds,
    ``Φ ≈ Π (I + A h + A² h² / 2)``; the acceleration rows are the model's
    acceleration at the predicted state, with covariance ``J P J'``.

Measurement model
-----------------
One radar at ``s`` with east-north-up unit vectors as the rows of ``B`` (in the
state frame) measures, of the relative position ``l = B (p - s)``: range
``|l|``, azimuth ``atan2(l_e, l_n)`` (from north, clockwise), elevation
``atan2(l_u, sqrt(l_e² + l_n²))`` and, optionally, range rate ``(p - s)·v / |p - s|``
(the sensor at rest in the frame).  The Jacobian is analytic (Bar-Shalom et al.
2001; Blackman & Popoli 1999).  Working with ``p - s`` keeps the
ECEF magnitudes (6.4e6 m) out of the differences that matter.
"""

from __future__ import annotations

import math

import numpy as np

from airguard._jit import njit
from airguard.atmosphere import density_and_sound_speed
from airguard.dynamics import (
    DRAG,
    EARTH_MU_M3_S2,
    EARTH_OMEGA_RAD_S,
    J2,
    ROTATING,
    acceleration,
    height_m,
    rk4_step,
)

__all__ = [
    "ECEF_BALLISTIC_FLAGS",
    "FRAME_ECEF",
    "FRAME_FLAT",
    "MODEL_BALLISTIC",
    "MODEL_CA",
    "MODEL_CV",
    "N_X",
    "N_Z",
    "STANDARD_GRAVITY_MPS2",
    "measurement_jacobian",
    "model_acceleration",
    "predict_model",
    "spherical_to_position",
]

N_X = 9
"""State rows: position (3), velocity (3), acceleration (3)."""
N_Z = 4
"""Measurement rows: range (m), azimuth (rad), elevation (rad), range rate (m/s)."""

MODEL_CV, MODEL_CA, MODEL_BALLISTIC = 0, 1, 2
FRAME_FLAT, FRAME_ECEF = 0, 1

STANDARD_GRAVITY_MPS2 = 9.80665
"""Gravity of the flat frame, m/s² (the standard gravity g0; CGPM 1901)."""

ECEF_BALLISTIC_FLAGS = J2 | ROTATING
""":mod:`airguard.dynamics` options of the ECEF ballistic model (``DRAG`` added when β > 0)."""

_DENSITY_STEP_M = 25.0  # half-step of the central difference of density in height


@njit
def _linear_predict(
    model: int, x: np.ndarray, P: np.ndarray, dt: float, q: float, xo: np.ndarray, Po: np.ndarray
) -> None:
    """CV or CA prediction of (x, P) by dt into (xo, Po); per-axis blocks.

    The transition acts identically on each axis: state row ``i`` is axis ``i % 3``,
    derivative order ``i // 3``.  ``F3`` and ``Q3`` are the per-axis matrices of the
    module docstring.
    """
    f = np.zeros((3, 3))
    qm = np.zeros((3, 3))
    t2 = dt * dt
    t3 = t2 * dt
    if model == MODEL_CV:
        f[0, 0] = 1.0
        f[0, 1] = dt
        f[1, 1] = 1.0
        qm[0, 0] = q * t3 / 3.0
        qm[0, 1] = q * t2 / 2.0
        qm[1, 0] = qm[0, 1]
        qm[1, 1] = q * dt
    else:
        f[0, 0] = 1.0
        f[0, 1] = dt
        f[0, 2] = 0.5 * t2
        f[1, 1] = 1.0
        f[1, 2] = dt
        f[2, 2] = 1.0
        t4 = t3 * dt
        t5 = t4 * dt
        qm[0, 0] = q * t5 / 20.0
        qm[0, 1] = q * t4 / 8.0
        qm[0, 2] = q * t3 / 6.0
        qm[1, 1] = q * t3 / 3.0
        qm[1, 2] = q * t2 / 2.0
        qm[2, 2] = q * dt
        qm[1, 0] = qm[0, 1]
        qm[2, 0] = qm[0, 2]
        qm[2, 1] = qm[1, 2]
    for i in range(N_X):
        ai = i % 3
        ki = i // 3
        s = 0.0
        for kk in range(3):
            s += f[ki, kk] * x[ai + 3 * kk]
        xo[i] = s
    fp = np.empty((N_X, N_X))
    for i in range(N_X):
        ai = i % 3
        ki = i // 3
        for j in range(N_X):
            s = 0.0
            for kk in range(3):
                s += f[ki, kk] * P[ai + 3 * kk, j]
            fp[i, j] = s
    for i in range(N_X):
        for j in range(i, N_X):
            aj = j % 3
            kj = j // 3
            s = 0.0
            for ll in range(3):
                s += fp[i, aj + 3 * ll] * f[kj, ll]
            if i % 3 == aj:
                s += qm[i // 3, kj]
            Po[i, j] = s
            Po[j, i] = s


@njit
def _density_and_gradient(h: float) -> tuple[float, float]:
    """US76 density (kg/m³) at height h (m) and its derivative (kg/m⁴), central difference."""
    rho, _ = density_and_sound_speed(h)
    hi, _ = density_and_sound_speed(h + _DENSITY_STEP_M)
    lo, _ = density_and_sound_speed(h - _DENSITY_STEP_M)
    return rho, (hi - lo) / (2.0 * _DENSITY_STEP_M)


@njit
def _height_and_up(p: np.ndarray, frame: int, up: np.ndarray) -> float:
    """Height (m) and its gradient (unit 'up', written to `up`) of position p."""
    if frame == 0:
        up[0] = 0.0
        up[1] = 0.0
        up[2] = 1.0
        return float(p[2])
    r = math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2])
    for i in range(3):
        up[i] = p[i] / r
    return height_m(p[0], p[1], p[2], 0)  # above WGS84, along the geocentric radius


@njit
def model_acceleration(
    x: np.ndarray, frame: int, beta: float, body: np.ndarray, out_a: np.ndarray, out_jac: np.ndarray
) -> None:
    """Acceleration of the ballistic model and its Jacobian.

    Parameters
    ----------
    x
        (>= 6,) position (m) and velocity (m/s) in the tracker's frame.
    frame
        ``FRAME_FLAT`` or ``FRAME_ECEF``.
    beta
        Ballistic coefficient, kg/m² (0: no drag).
    body
        (N_PARAMS,) :mod:`airguard.dynamics` body of unit mass and drag area 1/β
        (used in ``FRAME_ECEF``).
    out_a
        (3,) out: acceleration, m/s².
    out_jac
        (3, 6) out: ``∂a/∂(p, v)``, 1/s² and 1/s.  Central gravity gradient (J2
        neglected in the Jacobian only), Coriolis and centrifugal terms (ECEF),
        drag with the US76 density gradient along the local vertical.
    """
    for i in range(3):
        for j in range(6):
            out_jac[i, j] = 0.0
    vx, vy, vz = x[3], x[4], x[5]
    if frame == 0:
        out_a[0] = 0.0
        out_a[1] = 0.0
        out_a[2] = -STANDARD_GRAVITY_MPS2
    else:
        flags = ECEF_BALLISTIC_FLAGS
        if beta > 0.0:
            flags |= DRAG
        ax, ay, az = acceleration(x[0], x[1], x[2], vx, vy, vz, 0.0, body, np.zeros(3), flags)
        out_a[0] = ax
        out_a[1] = ay
        out_a[2] = az
        r2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2]
        r = math.sqrt(r2)
        k = EARTH_MU_M3_S2 / (r2 * r)
        for i in range(3):
            for j in range(3):
                g = 3.0 * x[i] * x[j] / r2
                if i == j:
                    g -= 1.0
                out_jac[i, j] = k * g
        w = EARTH_OMEGA_RAD_S
        out_jac[0, 0] += w * w
        out_jac[1, 1] += w * w
        out_jac[0, 4] += 2.0 * w
        out_jac[1, 3] -= 2.0 * w
    if beta > 0.0:
        up = np.empty(3)
        h = _height_and_up(x, frame, up)
        rho, drho = _density_and_gradient(h)
        speed = math.sqrt(vx * vx + vy * vy + vz * vz)
        kd = rho / (2.0 * beta)
        v = np.array([vx, vy, vz])
        if frame == 0:
            for i in range(3):
                out_a[i] -= kd * speed * v[i]
        if speed > 0.0:
            for i in range(3):
                for j in range(3):
                    d = v[i] * v[j] / speed
                    if i == j:
                        d += speed
                    out_jac[i, 3 + j] -= kd * d
                    out_jac[i, j] -= drho / (2.0 * beta) * speed * v[i] * up[j]


@njit
def _flat_rk4_step(s: np.ndarray, h: float, beta: float) -> None:
    """Classical RK4 step (Press et al., Numerical Recipes 3rd ed. §17.1) of the flat model."""
    k = np.empty((4, 6))
    y = s.copy()
    a = np.empty(3)
    jac = np.empty((3, 6))
    body = np.empty(0)
    weights = (0.0, 0.5, 0.5, 1.0)
    for stage in range(4):
        if stage > 0:
            for i in range(6):
                y[i] = s[i] + weights[stage] * h * k[stage - 1, i]
        model_acceleration(y, 0, beta, body, a, jac)
        for i in range(3):
            k[stage, i] = y[3 + i]
            k[stage, 3 + i] = a[i]
    for i in range(6):
        s[i] += h / 6.0 * (k[0, i] + 2.0 * k[1, i] + 2.0 * k[2, i] + k[3, i])


@njit
def _ballistic_predict(
    x: np.ndarray,
    P: np.ndarray,
    dt: float,
    q: float,
    frame: int,
    beta: float,
    body: np.ndarray,
    max_step: float,
    xo: np.ndarray,
    Po: np.ndarray,
) -> None:
    """Ballistic prediction of (x, P) by dt into (xo, Po); see the module docstring."""
    s = np.empty(6)
    for i in range(6):
        s[i] = x[i]
    phi = np.eye(6)
    a = np.empty(3)
    jac = np.empty((3, 6))
    big_a = np.zeros((6, 6))
    step = np.empty((6, 6))
    tmp = np.empty((6, 6))
    cmd = np.zeros(3)
    flags = ECEF_BALLISTIC_FLAGS
    if beta > 0.0:
        flags |= DRAG
    n_sub = max(1, int(math.ceil(abs(dt) / max_step)))
    h = dt / n_sub
    for _ in range(n_sub):
        model_acceleration(s, frame, beta, body, a, jac)
        for i in range(3):
            big_a[i, 3 + i] = 1.0
            for j in range(6):
                big_a[3 + i, j] = jac[i, j]
        # step = I + A h + A² h² / 2
        for i in range(6):
            for j in range(6):
                a2 = 0.0
                for m in range(6):
                    a2 += big_a[i, m] * big_a[m, j]
                step[i, j] = big_a[i, j] * h + 0.5 * a2 * h * h
            step[i, i] += 1.0
        for i in range(6):
            for j in range(6):
                acc = 0.0
                for m in range(6):
                    acc += step[i, m] * phi[m, j]
                tmp[i, j] = acc
        phi[:, :] = tmp
        if frame == 0:
            _flat_rk4_step(s, h, beta)
        else:
            rk4_step(s, 0.0, h, body, cmd, flags)
    # P6 = Φ P Φ' + Q (CWNA)
    p6 = np.empty((6, 6))
    for i in range(6):
        for j in range(6):
            acc = 0.0
            for m in range(6):
                acc += phi[i, m] * P[m, j]
            tmp[i, j] = acc
    for i in range(6):
        for j in range(6):
            acc = 0.0
            for m in range(6):
                acc += tmp[i, m] * phi[j, m]
            p6[i, j] = acc
    t2 = dt * dt
    for i in range(3):
        p6[i, i] += q * t2 * dt / 3.0
        p6[i, 3 + i] += q * t2 / 2.0
        p6[3 + i, i] += q * t2 / 2.0
        p6[3 + i, 3 + i] += q * dt
    # acceleration rows: a(x), covariance through T = [[I6], [J]]
    model_acceleration(s, frame, beta, body, a, jac)
    for i in range(6):
        xo[i] = s[i]
    for i in range(3):
        xo[6 + i] = a[i]
    for i in range(6):
        for j in range(6):
            Po[i, j] = p6[i, j]
    jp = np.empty((3, 6))
    for i in range(3):
        for j in range(6):
            acc = 0.0
            for m in range(6):
                acc += jac[i, m] * p6[m, j]
            jp[i, j] = acc
    for i in range(3):
        for j in range(6):
            Po[6 + i, j] = jp[i, j]
            Po[j, 6 + i] = jp[i, j]
        for j in range(3):
            acc = 0.0
            for m in range(6):
                acc += jp[i, m] * jac[j, m]
            Po[6 + i, 6 + j] = acc


@njit
def predict_model(
    model: int,
    x: np.ndarray,
    P: np.ndarray,
    dt: float,
    q: float,
    frame: int,
    beta: float,
    body: np.ndarray,
    max_step: float,
    xo: np.ndarray,
    Po: np.ndarray,
) -> None:
    """Predict one model's state and covariance by `dt`.

    Parameters
    ----------
    model
        ``MODEL_CV``, ``MODEL_CA`` or ``MODEL_BALLISTIC``.
    x, P
        (9,) state and (9, 9) covariance (m, m/s, m/s²), not modified.
    dt
        Prediction interval, s, >= 0.
    q
        Process-noise power spectral density of the model (see the module docstring).
    frame, beta, body, max_step
        Frame code, ballistic coefficient (kg/m²), :mod:`airguard.dynamics` body
        and the longest sub-step (s) of the ballistic model.
    xo, Po
        (9,) and (9, 9), out: the prediction (may not alias x, P).
    """
    if model == MODEL_BALLISTIC:
        _ballistic_predict(x, P, dt, q, frame, beta, body, max_step, xo, Po)
    else:
        _linear_predict(model, x, P, dt, q, xo, Po)


@njit
def measurement_jacobian(
    x: np.ndarray,
    sensor_pos: np.ndarray,
    basis: np.ndarray,
    nz: int,
    zhat: np.ndarray,
    H: np.ndarray,
) -> float:
    """Predicted measurement and its Jacobian at state `x`.

    Parameters
    ----------
    x
        (9,) state (m, m/s, m/s²).
    sensor_pos
        (3,) sensor position in the state frame, m.
    basis
        (3, 3) rows: the sensor's east, north and up unit vectors in the state frame.
    nz
        3 (range, azimuth, elevation) or 4 (and range rate).
    zhat
        (4,) out: range (m), azimuth (rad, from north clockwise, in (-π, π]),
        elevation (rad), range rate (m/s; only if ``nz == 4``).
    H
        (4, 9) out: ``∂zhat/∂x`` (rows beyond `nz` untouched).

    Returns
    -------
    float
        The range, m (0 when the target sits on the sensor: the Jacobian is then
        undefined and left at zero).
    """
    dx = x[0] - sensor_pos[0]
    dy = x[1] - sensor_pos[1]
    dz = x[2] - sensor_pos[2]
    le = basis[0, 0] * dx + basis[0, 1] * dy + basis[0, 2] * dz
    ln = basis[1, 0] * dx + basis[1, 1] * dy + basis[1, 2] * dz
    lu = basis[2, 0] * dx + basis[2, 1] * dy + basis[2, 2] * dz
    rho2 = le * le + ln * ln
    r2 = rho2 + lu * lu
    r = math.sqrt(r2)
    rho = math.sqrt(rho2)
    for i in range(nz):
        for j in range(N_X):
            H[i, j] = 0.0
    zhat[0] = r
    zhat[1] = math.atan2(le, ln)
    zhat[2] = math.atan2(lu, rho)
    if r <= 0.0:
        return 0.0
    rho_safe = max(rho, 1e-9 * r + 1e-12)
    # derivatives with respect to (le, ln, lu), then chained through l = B (p - s)
    dr = (le / r, ln / r, lu / r)
    daz = (ln / (rho_safe * rho_safe), -le / (rho_safe * rho_safe), 0.0)
    del_ = (-le * lu / (r2 * rho_safe), -ln * lu / (r2 * rho_safe), rho / r2)
    for j in range(3):
        H[0, j] = dr[0] * basis[0, j] + dr[1] * basis[1, j] + dr[2] * basis[2, j]
        H[1, j] = daz[0] * basis[0, j] + daz[1] * basis[1, j]
        H[2, j] = del_[0] * basis[0, j] + del_[1] * basis[1, j] + del_[2] * basis[2, j]
    if nz == 4:
        rr = (dx * x[3] + dy * x[4] + dz * x[5]) / r
        zhat[3] = rr
        d = (dx, dy, dz)
        for j in range(3):
            H[3, j] = (x[3 + j] - rr * d[j] / r) / r
            H[3, 3 + j] = d[j] / r
    return r


@njit
def spherical_to_position(
    z: np.ndarray,
    sigma: np.ndarray,
    sensor_pos: np.ndarray,
    basis: np.ndarray,
    out_p: np.ndarray,
    out_cov: np.ndarray,
    out_los: np.ndarray,
) -> None:
    """Position of a range/azimuth/elevation measurement and its linearised covariance.

    Parameters
    ----------
    z
        (>= 3,) range (m), azimuth (rad from north, clockwise), elevation (rad).
    sigma
        (>= 3,) standard deviations of range (m), azimuth (rad), elevation (rad).
    sensor_pos, basis
        Sensor position (3,) and ENU rows (3, 3) in the state frame.
    out_p
        (3,) out: position in the state frame, m.
    out_cov
        (3, 3) out: ``J R J'``, m², with ``J = ∂p/∂(r, az, el)`` (the linearised
        conversion of Bar-Shalom et al. 2001).
    out_los
        (3,) out: unit line of sight from the sensor, in the state frame.
    """
    r, az, el = z[0], z[1], z[2]
    ce, se = math.cos(el), math.sin(el)
    sa, ca = math.sin(az), math.cos(az)
    enu = (ce * sa, ce * ca, se)
    # columns of ∂l/∂(r, az, el) in ENU
    d_r = (ce * sa, ce * ca, se)
    d_az = (r * ce * ca, -r * ce * sa, 0.0)
    d_el = (-r * se * sa, -r * se * ca, r * ce)
    jac = np.empty((3, 3))
    for i in range(3):
        out_los[i] = basis[0, i] * enu[0] + basis[1, i] * enu[1] + basis[2, i] * enu[2]
        out_p[i] = sensor_pos[i] + r * out_los[i]
        jac[i, 0] = basis[0, i] * d_r[0] + basis[1, i] * d_r[1] + basis[2, i] * d_r[2]
        jac[i, 1] = basis[0, i] * d_az[0] + basis[1, i] * d_az[1] + basis[2, i] * d_az[2]
        jac[i, 2] = basis[0, i] * d_el[0] + basis[1, i] * d_el[1] + basis[2, i] * d_el[2]
    var = (sigma[0] * sigma[0], sigma[1] * sigma[1], sigma[2] * sigma[2])
    for i in range(3):
        for j in range(3):
            out_cov[i, j] = (
                jac[i, 0] * var[0] * jac[j, 0]
                + jac[i, 1] * var[1] * jac[j, 1]
                + jac[i, 2] * var[2] * jac[j, 2]
            )
