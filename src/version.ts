/** osapi's version, shown by `osapi version`, `/health/status` and the OpenAPI document. */
export const VERSION = "0.1.0";
