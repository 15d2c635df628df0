%% Spawning N processes that each wait in a receive, on BEAM, for comparison with
%% bench/spawn.mjs. Prints one JSON line: time until all wait, bytes per process.
-module(spawn).
-export([main/1]).

main(N) ->
    erlang:garbage_collect(),
    Before = erlang:memory(processes),
    T0 = erlang:monotonic_time(microsecond),
    Pids = spawn_all(N, []),
    wait_all(Pids),
    T1 = erlang:monotonic_time(microsecond),
    After = erlang:memory(processes),
    io:format("{\"processes\":~b,\"ms\":~.3f,\"bytesPerProcess\":~.1f}~n",
              [N, (T1 - T0) / 1000, (After - Before) / N]),
    [exit(P, kill) || P <- Pids],
    ok.

spawn_all(0, Acc) -> Acc;
spawn_all(N, Acc) -> spawn_all(N - 1, [spawn(fun waiter/0) | Acc]).

waiter() ->
    receive _ -> ok end.

%% All spawned processes have reached their receive once the last one has (FIFO run queues
%% on one scheduler; with more we check every process).
wait_all(Pids) ->
    case lists:all(fun(P) -> process_info(P, status) =:= {status, waiting} end, Pids) of
        true -> ok;
        false -> timer:sleep(1), wait_all(Pids)
    end.
