"""Every table of the site, in the order they are made (a table after those it points to)."""

from coursesite.data import models
from coursesite.data.privacy import anonymous_models

MODELS = [
    models.Setting,
    models.User,
    models.StepProgress,
    models.SignInCard,
    models.SignIn,
    models.KnownAddress,
    models.LoginFailure,
    models.HelpSession,
    models.HelpRequest,
    models.QuestionAnswer,
    models.Certificate,
    models.LearnerGroup,
    models.GroupMember,
    models.AccountChange,
    models.LabDetail,
    anonymous_models.AnonymousProgress,
    anonymous_models.AnonymousSession,
    anonymous_models.AnonymousHelpRequest,
    anonymous_models.AnonymousAnswer,
    anonymous_models.AnonymousCertificate,
]


def create_tables(db):
    """Create every table that does not exist yet."""
    db.create_tables(MODELS, safe=True)
