"""A client of Sluice in data.all's dialect, and a suite of data.all's observable behaviour
(README.md)."""
