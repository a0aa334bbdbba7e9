"""Exact numbers: read weights without floats, print fractions as finite decimals or ``p/q``."""

import decimal
from fractions import Fraction

__all__ = ["ExactNumberError", "format_exact", "parse_exact", "truncate"]


class ExactNumberError(ValueError):
    """A value that cannot be read as an exact number (a float, NaN, text that is not a number).

    ``template`` is the English message with ``%(name)s`` placeholders and ``params`` its values, so that a service
    can show it translated; ``str(error)`` is the English message with the values filled in."""

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params
        super().__init__(template % params if params else template)


def parse_exact(value: object) -> Fraction:
    """Read an int, a Fraction, a Decimal or a string ("2.5", "7/3", "1e3") exactly; floats are refused.

    >>> parse_exact("2.5"), parse_exact(3), parse_exact("7/3")
    (Fraction(5, 2), Fraction(3, 1), Fraction(7, 3))
    >>> parse_exact(0.1)
    Traceback (most recent call last):
    ...
    voting.exact.ExactNumberError: 0.1 is a binary float; give the number as a string or an integer
    """
    if isinstance(value, bool):
        raise ExactNumberError("%(value)s is not a number", value=repr(value))
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        raise ExactNumberError("%(value)s is a binary float; give the number as a string or an integer",
                               value=repr(value))
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ExactNumberError("%(value)s is not a finite number", value=str(value))
        return Fraction(value)
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        try:
            number = Fraction(text) if "/" in text else Fraction(decimal.Decimal(text))
        except (ValueError, ZeroDivisionError, decimal.InvalidOperation, OverflowError):
            raise ExactNumberError("%(value)s is not a number (write it like 3, 2.5 or 7/3)",
                                   value=repr(value)) from None
        return number
    raise ExactNumberError("%(value)s is not a number", value=repr(value))


def format_exact(value: Fraction | int) -> str:
    """A finite decimal where the fraction has one (``"1436.5"``), else ``"p/q"``.

    >>> format_exact(Fraction(2873, 2)), format_exact(Fraction(1, 3)), format_exact(Fraction(-3, 4))
    ('1436.5', '1/3', '-0.75')
    """
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    scaled = abs(value.numerator) * 10**places // value.denominator
    digits = str(scaled).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def truncate(value: Fraction, places: int) -> Fraction:
    """``value`` cut (toward zero) to ``places`` decimal places.

    >>> format_exact(truncate(Fraction(2, 3), 5))
    '0.66666'
    """
    scale = 10**places
    whole = abs(value.numerator) * scale // value.denominator
    return Fraction(whole if value >= 0 else -whole, scale)
