from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    bio = models.TextField(blank=True)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    twitter = models.CharField(max_length=50, blank=True)

    @property
    def display_name(self):
        return self.get_full_name() or self.username
