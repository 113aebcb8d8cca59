from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.views.generic import UpdateView

User = get_user_model()


def profile(request, username):
    author = get_object_or_404(User, username=username)
    posts = author.posts.published().order_by("-published_at")[:20]
    return render(request, "accounts/profile.html", {"author": author, "posts": posts})


class SettingsView(LoginRequiredMixin, UpdateView):
    model = User
    fields = ["first_name", "last_name", "bio", "avatar", "twitter"]
    template_name = "accounts/settings.html"
    success_url = reverse_lazy("accounts:settings")

    def get_object(self, queryset=None):
        return self.request.user
