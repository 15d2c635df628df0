%% Request/reply between two processes on BEAM, for comparison with bench/messaging.mjs: the
%% client makes a fresh ref, sends {self(), Ref, ping}, and receives {Ref, pong}; N round trips,
%% first with an empty mailbox, then with Noise unrelated messages waiting in the client's
%% mailbox (BEAM's receive marker skips them: a fresh ref cannot be in an older message).
%% Prints one JSON line.
-module(messaging).
-export([main/2]).

main(N, Noise) ->
    Empty = measure(N, 0),
    Crowded = measure(N, Noise),
    io:format("{\"roundTrips\":~b,\"noise\":~b,\"emptyPerSec\":~b,\"crowdedPerSec\":~b}~n",
              [N, Noise, Empty, Crowded]).

measure(N, Noise) ->
    Parent = self(),
    Server = spawn_link(fun server/0),
    spawn_link(fun() ->
        [self() ! {noise, K} || K <- lists:seq(1, Noise)],
        T0 = erlang:monotonic_time(microsecond),
        client(N, Server),
        T1 = erlang:monotonic_time(microsecond),
        Parent ! {done, round(N * 1000000 / (T1 - T0))}
    end),
    receive {done, PerSec} -> unlink(Server), exit(Server, kill), PerSec end.

server() ->
    receive
        {From, Ref, ping} -> From ! {Ref, pong}, server()
    end.

client(0, _) -> ok;
client(N, Server) ->
    Ref = make_ref(),
    Server ! {self(), Ref, ping},
    receive
        {Ref, pong} -> client(N - 1, Server)
    end.
