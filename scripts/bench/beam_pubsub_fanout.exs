# BEAM peer benchmark for Switchyard's PubSub fan-out.
#
# Uses Elixir's built-in Registry with duplicate keys, i.e. exactly the local
# dispatch path of Phoenix.PubSub (Registry.register/3 to subscribe,
# Registry.dispatch/3 + send/2 to broadcast). Phoenix.PubSub itself is a Hex
# package and is not needed for the local path.
#
# Run:  elixir scripts/bench/beam_pubsub_fanout.exs
#
# Measures:
#   a. memory per idle subscribed process at 100,000 processes (run first,
#      in a fresh VM, so allocator reuse does not hide the growth)
#   b. fan-out deliveries/s for 1->1, 1->10, 1->100, 1->1000 subscribers
#      (~2,000,000 deliveries per run, 1 warm-up + 3 timed runs, median)
#
# Environment overrides (optional): BEAM_BENCH_DELIVERIES (default 2000000),
# BEAM_BENCH_IDLE (default 100000), BEAM_BENCH_RUNS (default 3).

defmodule BeamPubSubBench do
  @timeout 120_000

  defp env_int(name, default) do
    case System.get_env(name) do
      nil -> default
      "" -> default
      v -> String.to_integer(v)
    end
  end

  # Same partition count Phoenix.PubSub picks by default (v2.x supervisor):
  # ceil(schedulers_online / 4); 1 on this 2-core machine.
  defp partitions, do: System.schedulers_online() |> Kernel./(4) |> Float.ceil() |> trunc()

  defp start_registry(name) do
    {:ok, pid} = Registry.start_link(keys: :duplicate, name: name, partitions: partitions())
    Process.unlink(pid)
    pid
  end

  defp stop_registry(name), do: Supervisor.stop(name)

  # ---------------------------------------------------------------- fan-out

  # Subscriber: register on topic, tell parent it's ready, count M messages,
  # then tell parent it is done and exit.
  defp subscriber(parent, registry, topic, m) do
    {:ok, _} = Registry.register(registry, topic, nil)
    send(parent, {:ready, self()})
    sub_loop(parent, m)
  end

  defp sub_loop(parent, 0), do: send(parent, {:done, self()})

  defp sub_loop(parent, left) do
    receive do
      {:pubsub, _topic, _payload} -> sub_loop(parent, left - 1)
    end
  end

  defp publisher(parent, registry, topic, m) do
    receive do
      :go -> :ok
    end

    t0 = :erlang.monotonic_time()
    send(parent, {:t0, t0})
    pub_loop(registry, topic, m)
    send(parent, {:published, :erlang.monotonic_time()})
  end

  defp pub_loop(_registry, _topic, 0), do: :ok

  defp pub_loop(registry, topic, i) do
    # Same shape as Phoenix.PubSub.dispatch/3 for the local node.
    msg = {:pubsub, topic, i}
    Registry.dispatch(registry, topic, fn entries ->
      for {pid, _} <- entries, do: send(pid, msg)
    end)
    pub_loop(registry, topic, i - 1)
  end

  defp await_n(_tag, 0), do: :ok

  defp await_n(tag, n) do
    receive do
      {^tag, _} -> await_n(tag, n - 1)
    after
      @timeout -> raise "timeout waiting for #{tag} (#{n} left)"
    end
  end

  defp await_down(0), do: :ok

  defp await_down(n) do
    receive do
      {:DOWN, _, :process, _, _} -> await_down(n - 1)
    after
      @timeout -> raise "timeout waiting for subscriber exit (#{n} left)"
    end
  end

  # One run: returns {elapsed_native, publish_native}.
  defp fanout_run(n, m) do
    registry = :beam_bench_fanout_registry
    start_registry(registry)
    topic = "bench:fanout"
    parent = self()

    for _ <- 1..n do
      spawn_monitor(fn -> subscriber(parent, registry, topic, m) end)
    end

    await_n(:ready, n)
    {pub, pub_ref} = spawn_monitor(fn -> publisher(parent, registry, topic, m) end)
    send(pub, :go)

    t0 =
      receive do
        {:t0, t} -> t
      after
        @timeout -> raise "publisher did not start"
      end

    await_n(:done, n)
    t1 = :erlang.monotonic_time()

    t_pub =
      receive do
        {:published, t} -> t
      after
        @timeout -> raise "publisher did not finish"
      end

    receive do
      {:DOWN, ^pub_ref, :process, _, _} -> :ok
    end

    await_down(n)
    stop_registry(registry)
    {t1 - t0, t_pub - t0}
  end

  defp median(list) do
    sorted = Enum.sort(list)
    Enum.at(sorted, div(length(sorted), 2))
  end

  def fanout(deliveries, runs) do
    for n <- [1, 10, 100, 1000] do
      m = div(deliveries, n)
      _warmup = fanout_run(n, m)
      results = for _ <- 1..runs, do: fanout_run(n, m)

      rates =
        for {elapsed, _} <- results do
          secs = elapsed / :erlang.convert_time_unit(1, :second, :native)
          m * n / secs
        end

      {elapsed_med, pub_med} = results |> Enum.sort() |> Enum.at(div(runs, 2))
      rate = median(rates) |> round()
      to_ms = fn t -> :erlang.convert_time_unit(t, :native, :microsecond) / 1000 end

      IO.puts("beam fanout 1->#{n}: #{rate} deliveries/s (median of #{runs})")

      IO.puts(
        "  detail 1->#{n}: #{m} messages x #{n} subscribers = #{m * n} deliveries; " <>
          "median run #{Float.round(to_ms.(elapsed_med), 1)} ms, publisher finished dispatching at " <>
          "#{Float.round(to_ms.(pub_med), 1)} ms (#{round(100 * pub_med / elapsed_med)}% of run; " <>
          "no backpressure, the rest drained from unbounded mailboxes)"
      )
    end
  end

  # ------------------------------------------------------------- idle memory

  defp idle_subscriber(parent, registry, topic) do
    {:ok, _} = Registry.register(registry, topic, nil)
    send(parent, {:ready, self()})

    receive do
      :stop -> :ok
    end
  end

  defp gc_all do
    for p <- Process.list(), do: :erlang.garbage_collect(p)
    :ok
  end

  def idle(count) do
    registry = :beam_bench_idle_registry
    start_registry(registry)
    topic = "bench:idle"
    parent = self()
    base_procs = :erlang.system_info(:process_count)

    gc_all()
    before_total = :erlang.memory(:total)
    before_procs = :erlang.memory(:processes)
    before_ets = :erlang.memory(:ets)

    # Keep only one pid in the benchmark process, so its own heap does not
    # grow by a 100k-element list and distort the delta.
    first = spawn(fn -> idle_subscriber(parent, registry, topic) end)
    for _ <- 2..count, do: spawn(fn -> idle_subscriber(parent, registry, topic) end)
    await_n(:ready, count)

    gc_all()
    after_total = :erlang.memory(:total)
    after_procs = :erlang.memory(:processes)
    after_ets = :erlang.memory(:ets)

    {:memory, one} = :erlang.process_info(first, :memory)
    per_total = round((after_total - before_total) / count)
    per_procs = round((after_procs - before_procs) / count)
    per_ets = round((after_ets - before_ets) / count)

    IO.puts(
      "beam idle subscriber: #{per_total} bytes (total delta / #{count}), " <>
        "process_info memory #{one} bytes"
    )

    IO.puts(
      "  detail idle: :processes delta / #{count} = #{per_procs} bytes, " <>
        ":ets delta / #{count} = #{per_ets} bytes " <>
        "(total delta #{after_total - before_total} bytes)"
    )

    # Stopping the registry kills the linked idle subscribers; wait until they
    # are gone so the fan-out runs that follow do not share the CPU with it.
    stop_registry(registry)
    wait_procs(base_procs, 600)
  end

  defp wait_procs(_base, 0), do: raise("idle subscribers did not exit")

  defp wait_procs(base, tries) do
    if :erlang.system_info(:process_count) <= base do
      :ok
    else
      Process.sleep(50)
      wait_procs(base, tries - 1)
    end
  end

  def main do
    deliveries = env_int("BEAM_BENCH_DELIVERIES", 2_000_000)
    idle_count = env_int("BEAM_BENCH_IDLE", 100_000)
    runs = env_int("BEAM_BENCH_RUNS", 3)

    IO.puts(
      "beam runtime: Erlang/OTP #{:erlang.system_info(:otp_release)} " <>
        "(erts #{:erlang.system_info(:version)}), Elixir #{System.version()}, " <>
        "#{System.schedulers_online()} schedulers, Registry partitions #{partitions()}"
    )

    t = :erlang.monotonic_time(:millisecond)
    # Idle memory first, in a fresh VM: once the fan-out runs have grown and
    # freed allocator carriers, new processes reuse them and the
    # :erlang.memory/1 delta under-reports.
    idle(idle_count)
    fanout(deliveries, runs)
    IO.puts("beam bench total wall time: #{:erlang.monotonic_time(:millisecond) - t} ms")
  end
end

BeamPubSubBench.main()
