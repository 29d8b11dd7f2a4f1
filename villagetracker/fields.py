"""Form pieces shared by every area, with messages in our catalogues: WTForms ships
no Indonesian, so none of its built-in English messages may reach a page."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import AnyOf, Length


def at_most(characters: int) -> Length:
    return Length(max=characters, message=_l("At most %(max)d characters."))


def one_of(values) -> AnyOf:
    """For a SelectField with validate_choice=False (its own message is English)."""
    return AnyOf(list(values), message=_l("Choose one of the options."))
