from django.contrib import admin

from .models import Comment, Post


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "author", "published_at", "status", "views"]
    list_filter = ["status", "created", "published_at", "author"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ["author"]
    date_hierarchy = "published_at"
    inlines = [CommentInline]
    actions = ["publish"]

    @admin.action(description="Publish selected posts")
    def publish(self, request, queryset):
        updated = queryset.update(status=Post.Status.PUBLISHED)
        self.message_user(request, f"{updated} posts published")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")
