/**
 * Fault-plane proxy ports for a gateway given to `scorecard --target <URL>`: it was configured
 * beforehand to find its providers there, so they cannot move.
 */
export const URL_TARGET_PROXY_PORTS = Object.freeze({ primary: 18101, fallback: 18102 });
