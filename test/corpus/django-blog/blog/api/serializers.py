from rest_framework import serializers
from taggit.serializers import TaggitSerializer, TagListSerializerField

from blog.models import Comment, Post


class CommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "name", "body", "created"]
        read_only_fields = ["created"]


class PostSerializer(TaggitSerializer, serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    tags = TagListSerializerField()
    comment_count = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "title", "slug", "author", "body", "status", "published_at", "tags", "comment_count", "url"]

    def get_url(self, obj):
        request = self.context.get("request")
        return request.build_absolute_uri(obj.get_absolute_url()) if request and obj.published_at else None
