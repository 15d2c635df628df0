%% The distribution benchmark's BEAM side (bench/dist.mjs): a node serving `echo` and `sink`,
%% and a client measuring round trips and one-way throughput against any node serving them.
-module(dist_bench).
-export([serve/0, client/4]).

serve() ->
    register(echo, spawn(fun echo/0)),
    register(sink, spawn(fun sink/0)),
    io:format("ready~n"),
    receive stop -> ok end.

echo() ->
    receive {From, Msg} -> From ! Msg, echo() end.

sink() ->
    receive {expect, N, From} -> count(N), From ! done, sink() end.

count(0) -> ok;
count(N) -> receive {blob, _} -> count(N - 1) end.

%% Round trips before each measurement, the same on both sides (bench/dist.mjs): enough for
%% V8 to have optimised the eshell-ts side's path; BEAM does not need them.
-define(WARMUP, 10000).

%% Round trips of a small message one at a time, then the same number by ?PAIRS processes at
%% once (each one round trip in flight), then Messages 1 KB messages one way; one JSON line.
client(Node, RoundTrips, Messages, Size) ->
    true = net_kernel:connect_node(Node),
    round_trips({echo, Node}, ?WARMUP),
    T0 = erlang:monotonic_time(microsecond),
    round_trips({echo, Node}, RoundTrips),
    T1 = erlang:monotonic_time(microsecond),
    concurrent_round_trips({echo, Node}, ?WARMUP),
    C0 = erlang:monotonic_time(microsecond),
    concurrent_round_trips({echo, Node}, RoundTrips),
    C1 = erlang:monotonic_time(microsecond),
    Blob = binary:copy(<<7>>, Size),
    blobs({sink, Node}, Blob, ?WARMUP),
    B0 = erlang:monotonic_time(microsecond),
    blobs({sink, Node}, Blob, Messages),
    T2 = erlang:monotonic_time(microsecond),
    io:format("{\"roundTripsPerSec\":~b,\"concurrentRoundTripsPerSec\":~b,\"messagesPerSec\":~b}~n",
              [round(RoundTrips / (T1 - T0) * 1.0e6), round(RoundTrips / (C1 - C0) * 1.0e6),
               round(Messages / (T2 - B0) * 1.0e6)]).

blobs(Sink, Blob, N) ->
    Sink ! {expect, N, self()},
    [Sink ! {blob, Blob} || _ <- lists:seq(1, N)],
    receive done -> ok end.

-define(PAIRS, 8).

concurrent_round_trips(Dest, RoundTrips) ->
    Self = self(),
    Pids = [spawn_link(fun() -> round_trips(Dest, RoundTrips div ?PAIRS), Self ! {done, self()} end)
            || _ <- lists:seq(1, ?PAIRS)],
    [receive {done, P} -> ok end || P <- Pids],
    ok.

round_trips(_, 0) -> ok;
round_trips(Dest, N) ->
    Dest ! {self(), ping},
    receive ping -> round_trips(Dest, N - 1) end.
