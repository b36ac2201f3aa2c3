-- wrk: POST /api/summaries with a session token (TOKEN in the environment).
wrk.method = "POST"
wrk.body = '{"text":"Swift on the server has grown up. Durable jobs keep work safe. Cats sleep."}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
