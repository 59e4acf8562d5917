from django.contrib import admin

from charters.models import Charter, CharterVersion, Training

admin.site.register(Charter)
admin.site.register(CharterVersion)
admin.site.register(Training)
