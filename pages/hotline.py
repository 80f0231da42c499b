from dashboard.views.hotline import render

render()
