from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "bangfu.exchange"

    def ready(self):
        from bangfu.core import plugins

        plugins.register(plugins.App(name="exchange", urls="bangfu.exchange.urls"))
