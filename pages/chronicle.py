from dashboard.views.chronicle import render

render()
